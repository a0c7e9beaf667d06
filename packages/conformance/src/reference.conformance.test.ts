import { createReferenceBackend } from '@contrastive/core';
import { describeConformance } from './index.js';

// The float64 reference backend must pass everything, on every bundled fixture, at float64 tolerance.
describeConformance('reference', () => createReferenceBackend());
