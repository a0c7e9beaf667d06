import { l2NormalizeBackward, l2NormalizeForward } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { createWebglBackend } from './webgl-backend.js';

const width = 64;
const rowOf = (x: ArrayLike<number>, i: number) => Array.from(x).slice(i * width, (i + 1) * width);

describe("core's L2 normalisation on WebGL with half-float textures (WEBGL_FORCE_F16_TEXTURES)", () => {
  it('normalises rows whose sum of squares overflows float16 (norms 570 and 5700) and zero rows', async () => {
    const backend = await createWebglBackend({ forceFloat16: true });
    expect(backend.capabilities.precision).toBe('float16');
    const scales = [1, 100, 1000, 0];
    const x = scales.flatMap((scale) => Array.from({ length: width }, (_, k) => scale * Math.sin(k + 1)));
    const dy = scales.flatMap(() => Array.from({ length: width }, (_, k) => Math.cos(k)));
    const saved = backend.scope(() => l2NormalizeForward(backend, backend.fromArray(x, [scales.length, width])));
    const dx = backend.scope(() => l2NormalizeBackward(backend, saved, backend.fromArray(dy, [scales.length, width])));
    const [y, g] = [await backend.read(saved.normalized), await backend.read(dx)];
    expect([...y, ...g].every(Number.isFinite)).toBe(true);
    // float16 keeps about 3 digits. Stated math in float64: `y = x / ||x||`, `dx = (dy - y <dy, y>) / ||x||`.
    scales.slice(0, 3).forEach((_, i) => {
      const [xi, dyi] = [rowOf(x, i), rowOf(dy, i)];
      const norm = Math.hypot(...xi);
      const yi = xi.map((v) => v / norm);
      const along = yi.reduce((s, v, k) => s + v * dyi[k]!, 0);
      const dxi = dyi.map((v, k) => (v - yi[k]! * along) / norm);
      const largest = Math.max(...dxi.map(Math.abs));
      rowOf(y, i).forEach((v, k) => expect(Math.abs(v - yi[k]!), `y row ${i}`).toBeLessThanOrEqual(4e-3));
      rowOf(g, i).forEach((v, k) => expect(Math.abs(v - dxi[k]!), `dx row ${i}`).toBeLessThanOrEqual(1e-2 * largest));
    });
    expect(rowOf(y, 3).every((v) => v === 0)).toBe(true);
  });
});
