// worker_threads entry: loads the TypeScript test support through tsx, runs one worker's local loss on the task
// it is sent and posts the result back.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { runWorker } = await tsImport('./data-parallel.test-support.ts', import.meta.url);
parentPort.on('message', (task) => parentPort.postMessage(runWorker(task)));
