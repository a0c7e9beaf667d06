import { TfjsBackendError } from '@contrastive/tfjs';
import { describe, expect, it } from 'vitest';
import { createNodeGpuBackend, loadTfjsNodeGpu } from './node-gpu-backend.js';

describe('tfjs-node-gpu loading', () => {
  it('either loads the tensorflow backend or explains why it cannot, with a typed error', async () => {
    const status = await loadTfjsNodeGpu();
    if (status.available) {
      const backend = await createNodeGpuBackend();
      expect(backend.name).toBe('tfjs-tensorflow');
    } else {
      expect(status.reason).toContain('@tensorflow/tfjs-node-gpu');
      await expect(createNodeGpuBackend()).rejects.toBeInstanceOf(TfjsBackendError);
    }
  });
});
