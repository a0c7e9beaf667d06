/** worker_threads entry: runs one worker's local loss on the task it is sent and posts the result back. */
import { parentPort } from 'node:worker_threads';
import { runWorker, type WorkerTask } from './data-parallel.test-support.js';

parentPort!.on('message', (task: WorkerTask) => parentPort!.postMessage(runWorker(task)));
