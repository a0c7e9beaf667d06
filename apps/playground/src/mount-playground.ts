/**
 * The playground UI, mounted into any element (the standalone app and the docs site both call this): a loss, a
 * backend and a temperature slider; two heat maps (cosine similarities, and their row softmax at the temperature);
 * the loss and the gradient norms. Elements carry `data-testid` attributes for the end-to-end tests.
 */
import { sampleEmbeddings } from './embedding-sample.js';
import { drawHeatMap } from './heat-map.js';
import { createPlaygroundBackend, playgroundBackendNames, type PlaygroundBackendName } from './playground-backends.js';
import { findPlaygroundLoss, playgroundLosses } from './playground-losses.js';
import { runPlaygroundLoss } from './run-playground-loss.js';
import { cosineSimilarityMatrix, rowSoftmax } from './similarity-matrix.js';
import { playgroundMarkup } from './playground-markup.js';

export interface PlaygroundOptions {
  readonly loss?: string;
  readonly backend?: PlaygroundBackendName;
  readonly temperature?: number;
  readonly batchSize?: number;
  readonly dimension?: number;
}

export interface MountedPlayground {
  /** Resolves when the run for the current settings has finished (or failed). */
  readonly settled: () => Promise<void>;
  destroy(): void;
}

export function mountPlayground(container: HTMLElement, options: PlaygroundOptions = {}): MountedPlayground {
  const batchSize = options.batchSize ?? 8;
  const sample = sampleEmbeddings({ batchSize, dimension: options.dimension ?? 16, noise: 1, seed: 7 });
  const cosine = cosineSimilarityMatrix(sample.anchors, sample.positives, batchSize, sample.dimension);
  container.innerHTML = playgroundMarkup(playgroundLosses, playgroundBackendNames);
  const find = <E extends Element>(id: string) => container.querySelector(`[data-testid="${id}"]`) as E;
  const lossSelect = find<HTMLSelectElement>('loss-select');
  const backendSelect = find<HTMLSelectElement>('backend-select');
  const slider = find<HTMLInputElement>('temperature-slider');
  const status = find<HTMLElement>('status');
  lossSelect.value = findPlaygroundLoss(options.loss ?? 'ntXent').name;
  backendSelect.value = options.backend ?? 'reference';
  slider.value = String(Math.log10(options.temperature ?? 0.1));
  drawHeatMap(find('cosine-heat-map'), cosine, batchSize, batchSize, [-1, 1]);

  let latest = 0;
  let pending: Promise<void> = Promise.resolve();
  const update = () => {
    const run = ++latest;
    const temperature = 10 ** Number(slider.value);
    find<HTMLElement>('temperature-value').textContent = temperature.toFixed(3);
    drawHeatMap(find('softmax-heat-map'), rowSoftmax(cosine, batchSize, batchSize, temperature), batchSize, batchSize, [-1, 1]);
    status.dataset['state'] = 'running';
    pending = (async () => {
      try {
        const { backend, description } = await createPlaygroundBackend(backendSelect.value as PlaygroundBackendName);
        const result = await runPlaygroundLoss(backend, findPlaygroundLoss(lossSelect.value), sample, temperature);
        if (run !== latest) return;
        const loss = find<HTMLElement>('loss-value');
        loss.textContent = result.loss.toPrecision(6);
        loss.dataset['loss'] = String(result.loss);
        find<HTMLElement>('backend-ran').textContent = description;
        find<HTMLElement>('gradient-norms').innerHTML = Object.entries(result.gradientNorms)
          .map(([name, norm]) => `<li><code>${name}</code>: ${norm.toPrecision(4)}</li>`)
          .join('');
        status.textContent = result.leakedTensors === 0 ? 'done' : `done (${result.leakedTensors} tensors leaked)`;
        status.dataset['state'] = 'done';
      } catch (error) {
        if (run !== latest) return;
        status.textContent = `error: ${(error as Error).message}`;
        status.dataset['state'] = 'error';
      }
    })();
  };
  for (const element of [lossSelect, backendSelect, slider]) element.addEventListener('input', update);
  update();
  return {
    settled: () => pending,
    destroy() {
      latest++;
      container.innerHTML = '';
    },
  };
}
