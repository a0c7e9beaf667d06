import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../reference/reference-backend.js';
import type { ConstantShiftPlan } from './constant-shift-passes.js';
import { otherViewLogits, selfExcludedPairing } from './constant-shift-runtime-groups.js';

const b = createReferenceBackend();

/** [n, 2]: row `i` is the unit vector at angle `angles[i]` in the plane. */
const unitRows = (angles: number[]) => b.fromArray(Float64Array.from(angles.flatMap((t) => [Math.cos(t), Math.sin(t)])), [angles.length, 2]);
const plan = (rows: number, groupPeriod?: number): ConstantShiftPlan => ({
  pairing: selfExcludedPairing(Int32Array.from({ length: rows }, (_, i) => i), Int32Array.from({ length: rows }, (_, i) => i), undefined, undefined, true)!,
  scale: 100,
  rowShift: true,
  runtimeGroups: true,
  ...(groupPeriod === undefined ? {} : { groupPeriod }),
});

describe('otherViewLogits: the floors of the preset shift under run-time groups', () => {
  it('gives s_{i, i + v p mod n} for each other view v: 100 cos(angle difference)', () => {
    const angles = [0, 0.5, 1, 1.5, 2, 2.5];
    const floors = otherViewLogits(b, unitRows(angles), plan(6, 2));
    expect(floors).toHaveLength(2);
    floors.forEach((floor, v) => {
      const expected = angles.map((t, i) => 100 * Math.cos(t - angles[(i + (v + 1) * 2) % 6]!));
      Array.from(b.readSync!(floor)).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 10));
    });
  });
  it('is -scale (below every logit) with one view or without a period', () => {
    for (const p of [plan(4), plan(4, 4)]) expect(Array.from(b.readSync!(otherViewLogits(b, unitRows([0, 1, 2, 3]), p)[0]!))).toEqual([-100, -100, -100, -100]);
  });
});
