import { TfjsBackendError } from '@contrastive/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebglBackend } from './webgl-backend.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createWebglBackend in Node', () => {
  it('throws TfjsBackendError instead of silently running on another backend', async () => {
    // tfjs reports the failed WebGL start on the console itself (console.log from its canvas check, console.warn
    // with a stack from its engine), then returns false: captured here so that the expected failure stays out of
    // the log, and checked so that the test sees the failure it expects.
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const failure = await createWebglBackend().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TfjsBackendError);
    expect((failure as TfjsBackendError).requested).toBe('webgl');
    expect(warned).toHaveBeenCalledWith('Initialization of backend webgl failed');
    expect(logged).toHaveBeenCalledWith('Error when getting WebGL context: ', expect.any(Error));
    expect(logged.mock.calls.every(([message]) => message === 'Error when getting WebGL context: ')).toBe(true);
  });
});
