/**
 * Computes every loss in @contrastive/core on the bundled example with the float64 reference backend and prints
 * the loss and the gradient of every floating-point input.
 */
import { createReferenceBackend } from '@contrastive/core';
import { runExample } from './run-example.js';

for (const line of await runExample(createReferenceBackend())) console.log(line);
