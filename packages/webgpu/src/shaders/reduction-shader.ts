import type { KernelSource } from '../kernel-runner.js';
import { entryPoint, prelude, storage } from './prelude.js';

/**
 * Sum or max over the middle axis of an (outer, extent, inner) view; one thread per output value.
 * Sums add blocks of 64 values first, then the block totals, so rounding grows with extent / 64, not extent.
 * Max propagates NaN. Parameters: 0 outputs (outer * inner), 1 extent, 2 inner.
 */
export function reductionShader(kind: 'sum' | 'max'): KernelSource {
  const body =
    kind === 'sum'
      ? `  var total = 0.0;
  var k = 0u;
  loop {
    if (k >= extent) { break; }
    let end = min(k + 64u, extent);
    var block = 0.0;
    for (; k < end; k++) { block += x[base + k * inner]; }
    total += block;
  }
  out[index] = total;`
      : `  var best = x[base];
  for (var k = 1u; k < extent; k++) { best = nanMax(best, x[base + k * inner]); }
  out[index] = best;`;
  return {
    key: `reduce:${kind}`,
    code: () => `${prelude}
${storage(1, 'x', 'read')}
${storage(2, 'out', 'read_write')}
${entryPoint}
  if (index >= p(0u)) { return; }
  let extent = p(1u);
  let inner = p(2u);
  let base = (index / inner) * extent * inner + index % inner;
${body}
}`,
  };
}
