// A backend module in plain JavaScript, as a contributor outside this repository hands it to the installed
// `contrastive-conformance` bin (`--backend-module node/js-backend.mjs --backend-export createMyJsBackend`). Its
// factory returns the reference backend of the installed @contrastive/core, so the whole suite must pass.
import { createReferenceBackend } from '@contrastive/core';

export function createMyJsBackend() {
  return createReferenceBackend();
}
