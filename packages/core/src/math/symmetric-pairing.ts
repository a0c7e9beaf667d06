import type { Pairing } from './similarity-cross-entropy.js';

/**
 * Id table values known on the host (exported as `PairingValues`).
 *
 * @example
 * const ids: PairingValues = Int32Array.from([0, 1, 2, 3]);
 *
 * @see [Decision 0001: pairing by ids](/contributing/decisions/0001-pairing-by-ids)
 */
export type Values = ArrayLike<number>;

/**
 * The index tables of a symmetric pairing, from {@link symmetricPairing}.
 *
 * @example
 * const { rows, excludedPerRow, positives } = symmetricPairing(hostPairing)!;
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export interface SymmetricPairing {
  /** The number of rows (anchors, which are also the keys). */
  readonly rows: number;
  /** [rows, excludedPerRow + positivesPerRow] column indices: the excluded keys, then the positives. */
  readonly zeroedColumns: Int32Array;
  /** How many keys each row excludes (itself, and any duplicates). */
  readonly excludedPerRow: number;
  /** Positive `t` of row `i` is `positives[t][i]`. */
  readonly positives: readonly Int32Array[];
  /** Whether the positives are part of the denominator (false: the decoupled form, whose denominator is `rest`). */
  readonly positivesInDenominator: boolean;
}

function sameValues(a: Values, b: Values): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Indices of the rows holding each value. */
function rowsByValue(values: Values): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  for (let row = 0; row < values.length; row++) {
    const list = rows.get(values[row]!);
    if (list) list.push(row);
    else rows.set(values[row]!, [row]);
  }
  return rows;
}

/**
 * The structure of a self-similarity pairing (keys are the anchors), from id tables whose values are known before
 * the computation runs: which keys each row excludes and which keys are its positives, as index tables. The
 * constant-shift kernel needs the same number of excluded keys and of positives on every row; any other pairing
 * returns `undefined` and the composed kernel runs. Both forms qualify: positives in the denominator (NT-Xent) and
 * the decoupled one (DCL), whose denominator is the negatives alone.
 *
 * @param pairing - The pairing, its id tables given as host values.
 * @returns The index tables, or `undefined` when the pairing is not symmetric or rows differ in counts.
 *
 * @example
 * const structure = symmetricPairing({ anchorIds: ids, keyIds: ids, anchorGroups: samples, keyGroups: samples, positivesInDenominator: true });
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export function symmetricPairing(pairing: Pairing<Values>): SymmetricPairing | undefined {
  const { anchorIds, keyIds, anchorGroups, keyGroups } = pairing;
  // The same ids on both sides make "excluded" and "positive" symmetric relations, which the kernel relies on.
  if (!sameValues(anchorIds, keyIds) || !sameValues(anchorGroups, keyGroups)) return undefined;
  const rows = anchorIds.length;
  if (rows === 0) return undefined;
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
  return { rows, zeroedColumns, excludedPerRow, positives, positivesInDenominator: pairing.positivesInDenominator };
}
