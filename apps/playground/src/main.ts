import { mountPlayground } from './mount-playground.js';

const params = new URLSearchParams(location.search);
const backend = params.get('backend');
mountPlayground(document.getElementById('app')!, {
  ...(params.get('loss') ? { loss: params.get('loss')! } : {}),
  ...(backend === 'reference' || backend === 'tfjs-webgl' || backend === 'tfjs-cpu' ? { backend } : {}),
});
