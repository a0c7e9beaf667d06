/**
 * Test support (not shipped): the ONNX Runtime builds that run in Node, as `OrtRuntimeOptions`.
 * onnxruntime-web runs its wasm execution provider single-threaded here (the machine is shared).
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { OrtRuntimeOptions } from './ort-module.js';

ortWeb.env.wasm.numThreads = 1;

export const nodeRuntimes: readonly (readonly [string, OrtRuntimeOptions])[] = [
  ['onnxruntime-node (cpu)', { ort: ortNode, sessionOptions: { executionProviders: ['cpu'] } }],
  ['onnxruntime-web (wasm)', { ort: ortWeb, sessionOptions: { executionProviders: ['wasm'] } }],
];

export { ortNode, ortWeb };
