import { TfjsBackendError } from '@contrastive/tfjs';
import { describe, expect, it } from 'vitest';
import { createWebglBackend } from './webgl-backend.js';

describe('createWebglBackend in Node', () => {
  it('throws TfjsBackendError instead of silently running on another backend', async () => {
    const failure = await createWebglBackend().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TfjsBackendError);
    expect((failure as TfjsBackendError).requested).toBe('webgl');
  });
});
