import { ContrastiveInputError, ntXent } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { gaussians } from './loss-samples.test-support.js';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';
import type { OrtModuleLike } from './ort-module.js';
import { ortNode } from './ort-runtimes.test-support.js';
import { arenaFeedBytes, sessionMemoryFactor, sessionOverheadBytes } from './session-cache.js';

// The session cache's own accounting on real onnxruntime-node sessions (no RSS or timing here: see
// scripts/session-cache-rss.ts for measured memory).
const sessionOptions = { executionProviders: ['cpu'] };
const pair = (rows: number, columns: number, seed: number) => ({
  anchors: { values: gaussians(rows * columns, seed), shape: [rows, columns] },
  positives: { values: gaussians(rows * columns, seed + 1), shape: [rows, columns] },
});
/** Bytes NT-Xent on [n, d] feeds (anchors, positives) and fetches (loss, two gradients). */
const ioBytes = (rows: number, columns: number) => 4 * (4 * rows * columns + 1);
/** 36 distinct shapes of very different sizes: [4, 4] up to [92, 68]. */
const shapes = Array.from({ length: 36 }, (_, i) => [4 + 8 * (i % 12), 4 + 32 * Math.floor(i / 12)] as const);

describe('session cache bounds on onnxruntime-node', () => {
  it('keeps the sessions within maxSessions and their estimated bytes within maxSessionBytes over many shapes', async () => {
    const maxSessionBytes = 2 ** 20;
    const runner = createOnnxLossRunner({ ort: ortNode, sessionOptions, maxSessions: 6, maxSessionBytes });
    for (const [i, [rows, columns]] of shapes.entries()) {
      const { loss } = await runner.run(ntXent, pair(rows, columns, i), { temperature: 0.3 });
      expect(Number.isFinite(loss[0]!)).toBe(true);
      const { sessions, estimatedBytes } = runner.statistics;
      expect(sessions).toBeGreaterThan(0);
      expect(sessions).toBeLessThanOrEqual(6);
      expect(estimatedBytes).toBeLessThanOrEqual(maxSessionBytes);
      expect(estimatedBytes).toBeGreaterThanOrEqual(sessions * sessionOverheadBytes);
    }
    const { created, evicted, sessions } = runner.statistics;
    expect(created).toBe(shapes.length);
    expect(evicted).toBe(created - sessions);
    // The largest shapes do not fit six at a time in the byte bound.
    expect(sessions).toBeLessThan(6);
    await runner.release();
    expect(runner.statistics).toMatchObject({ sessions: 0, estimatedBytes: 0 });
  });

  it('estimates a session as model + 2 x (feed and fetch bytes) + overhead without the CPU arena (onnxruntime-node\'s default for small feeds)', async () => {
    const runner = createOnnxLossRunner({ ort: ortNode, sessionOptions });
    await runner.run(ntXent, pair(64, 32, 1));
    const modelBytes = runner.statistics.estimatedBytes - sessionMemoryFactor.arenaOff * ioBytes(64, 32) - sessionOverheadBytes;
    expect(modelBytes).toBeGreaterThan(1000);
    expect(modelBytes).toBeLessThan(200_000);
    await runner.release();

    const withArena = createOnnxLossRunner({ ort: ortNode, sessionOptions: { ...sessionOptions, enableCpuMemArena: true } });
    await withArena.run(ntXent, pair(64, 32, 1));
    expect(withArena.statistics.estimatedBytes).toBe(modelBytes + sessionMemoryFactor.arenaOn * ioBytes(64, 32) + sessionOverheadBytes);
    await withArena.release();
  });

  it('picks onnxruntime-node\'s CPU arena by feed size (off below arenaFeedBytes, on from it) unless the caller sets it', async () => {
    const seen: object[] = [];
    const recording: OrtModuleLike = {
      ...ortNode,
      InferenceSession: { create: (bytes: Uint8Array, options?: object) => (seen.push(options ?? {}), ortNode.InferenceSession.create(bytes, options)) },
    };
    // Two [512, 256] float32 feeds are 1 MiB together: the threshold itself.
    expect(2 * 512 * 256 * 4).toBe(arenaFeedBytes);
    const large = pair(512, 256, 1);
    for (const options of [sessionOptions, { ...sessionOptions, enableCpuMemArena: true }, { ...sessionOptions, enableCpuMemArena: false }]) {
      const runner = createOnnxLossRunner({ ort: recording, sessionOptions: options });
      await runner.run(ntXent, pair(4, 4, 1));
      await runner.run(ntXent, large);
      await runner.release();
    }
    expect(seen).toEqual([
      { enableCpuMemArena: false, ...sessionOptions }, { enableCpuMemArena: true, ...sessionOptions },
      { ...sessionOptions, enableCpuMemArena: true }, { ...sessionOptions, enableCpuMemArena: true },
      { ...sessionOptions, enableCpuMemArena: false }, { ...sessionOptions, enableCpuMemArena: false },
    ]);
  });

  it('hands each run\'s outputs over in arrays of their own: a caller may keep or write them', async () => {
    const runner = createOnnxLossRunner({ ort: ortNode, sessionOptions });
    const inputs = pair(16, 8, 5);
    const first = await runner.run(ntXent, inputs);
    const kept = Array.from(first.gradients.anchors!);
    first.gradients.anchors!.fill(Number.NaN);
    first.loss.fill(Number.NaN);
    const second = await runner.run(ntXent, inputs);
    expect(Array.from(second.gradients.anchors!)).toEqual(kept);
    expect(Number.isFinite(second.loss[0]!)).toBe(true);
    expect(second.gradients.anchors!.buffer).not.toBe(first.gradients.anchors!.buffer);
    expect(second.gradients.anchors!.buffer).not.toBe(second.gradients.positives!.buffer);
    await runner.release();
  });

  it('keeps the most recently used session even alone over maxSessionBytes, and traces an evicted shape again', async () => {
    const runner = createOnnxLossRunner({ ort: ortNode, sessionOptions, maxSessionBytes: 1 });
    const first = await runner.run(ntXent, pair(8, 4, 1));
    expect(runner.statistics).toMatchObject({ created: 1, sessions: 1, evicted: 0 });
    await runner.run(ntXent, pair(12, 4, 3));
    expect(runner.statistics).toMatchObject({ created: 2, sessions: 1, evicted: 1 });
    const again = await runner.run(ntXent, pair(8, 4, 1));
    expect(runner.statistics).toMatchObject({ created: 3, sessions: 1, evicted: 2 });
    expect(Array.from(again.loss)).toEqual(Array.from(first.loss));
    expect(Array.from(again.gradients.anchors!)).toEqual(Array.from(first.gradients.anchors!));
    await runner.release();
    expect(runner.statistics).toMatchObject({ sessions: 0, estimatedBytes: 0 });
  });

  it('release() waits for runs in flight and leaves no sessions and no bytes', async () => {
    const runner = createOnnxLossRunner({ ort: ortNode, sessionOptions, maxSessions: 2 });
    const runs = shapes.slice(0, 5).map(([rows, columns], i) => runner.run(ntXent, pair(rows, columns, i)));
    const released = runner.release();
    const results = await Promise.all(runs);
    await released;
    expect(results.every((result) => Number.isFinite(result.loss[0]!))).toBe(true);
    expect(runner.statistics).toMatchObject({ runs: 5, sessions: 0, estimatedBytes: 0 });
  });

  it('bounds the tracing backend cache too and releases it', async () => {
    const backend = createOnnxRuntimeBackend({ ort: ortNode, sessionOptions, maxSessions: 3 });
    for (let size = 1; size <= 8; size++) {
      const x = backend.fromArray(gaussians(size, size), [size]);
      await backend.read(backend.exp(x));
      expect(backend.statistics.sessions).toBeLessThanOrEqual(3);
    }
    expect(backend.statistics).toMatchObject({ created: 8, evicted: 5, sessions: 3 });
    await backend.release();
    expect(backend.statistics).toMatchObject({ sessions: 0, estimatedBytes: 0 });
  });

  it('rejects a maxSessionBytes that is not a positive number', () => {
    expect(() => createOnnxLossRunner({ ort: ortNode, maxSessionBytes: 0 })).toThrow(ContrastiveInputError);
    expect(() => createOnnxLossRunner({ ort: ortNode, maxSessionBytes: Number.NaN })).toThrow(ContrastiveInputError);
  });
});
