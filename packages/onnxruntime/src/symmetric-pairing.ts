/**
 * The trace-time shape of a self-similarity pairing (keys are the anchors), read from id tables whose values are
 * known when the graph is traced: which keys each row excludes and which keys are its positives, as index tables.
 * The fast symmetric kernel needs the same number of excluded keys and of positives on every row; any other
 * pairing returns `undefined` and the composed kernel runs.
 */
import type { Pairing } from '@contrastive/core';
import type { OnnxTensor } from './onnx-tensor.js';

export interface SymmetricPairing {
  readonly rows: number;
  /** [rows, excludedPerRow + positivesPerRow] column indices: the excluded keys, then the positives. */
  readonly zeroedColumns: Int32Array;
  readonly excludedPerRow: number;
  /** Positive `t` of row `i` is `positives[t][i]`. */
  readonly positives: readonly Int32Array[];
}

/** The values of a traced tensor fixed at trace time (constant data), else `undefined`. */
export function traceTimeValues(x: OnnxTensor): Float32Array | undefined {
  if (x.source.kind === 'data') return x.source.values;
  if (x.source.kind === 'node' && x.source.node.opType === 'Constant') {
    const value = x.source.node.attributes['value'];
    if (value?.kind === 'tensor') return value.values;
  }
  return undefined;
}

const sameValues = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Indices of the rows holding each value. */
function rowsByValue(values: Float32Array): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  values.forEach((value, row) => {
    const list = rows.get(value);
    if (list) list.push(row);
    else rows.set(value, [row]);
  });
  return rows;
}

export function symmetricPairing(pairing: Pairing<OnnxTensor>): SymmetricPairing | undefined {
  const anchorIds = traceTimeValues(pairing.anchorIds);
  const keyIds = traceTimeValues(pairing.keyIds);
  const anchorGroups = traceTimeValues(pairing.anchorGroups);
  const keyGroups = traceTimeValues(pairing.keyGroups);
  if (!anchorIds || !keyIds || !anchorGroups || !keyGroups || !pairing.positivesInDenominator) return undefined;
  // The same ids on both sides make "excluded" and "positive" symmetric relations, which the kernel relies on.
  if (!sameValues(anchorIds, keyIds) || !sameValues(anchorGroups, keyGroups)) return undefined;
  const rows = anchorIds.length;
  const byId = rowsByValue(anchorIds);
  const byGroup = rowsByValue(anchorGroups);
  const excludedPerRow = byId.get(anchorIds[0]!)!.length;
  const excludedSet = (row: number) => byId.get(anchorIds[row]!)!;
  const positiveList = (row: number) => byGroup.get(anchorGroups[row]!)!.filter((key) => anchorIds[key] !== anchorIds[row]);
  const positivesPerRow = positiveList(0).length;
  if (positivesPerRow === 0) return undefined;
  const width = excludedPerRow + positivesPerRow;
  const zeroedColumns = new Int32Array(rows * width);
  const positives = Array.from({ length: positivesPerRow }, () => new Int32Array(rows));
  for (let row = 0; row < rows; row++) {
    const excluded = excludedSet(row);
    const rowPositives = positiveList(row);
    if (excluded.length !== excludedPerRow || rowPositives.length !== positivesPerRow) return undefined;
    zeroedColumns.set(excluded, row * width);
    zeroedColumns.set(rowPositives, row * width + excludedPerRow);
    rowPositives.forEach((key, t) => { positives[t]![row] = key; });
  }
  return { rows, zeroedColumns, excludedPerRow, positives };
}
