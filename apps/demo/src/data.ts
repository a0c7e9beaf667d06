/**
 * The UCI optical-digits set (Alpaydin and Kaynak, CC BY 4.0; see data/README.md): 1,797 images of 8x8 pixels
 * with integer values 0..16 and their digit labels, stored gzip-compressed in `data/digits.bin.gz`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ContrastiveInputError } from '@contrastive/core';
import { permutation, type Random } from './random.js';

/** Images scaled to [0, 1] (pixel / 16), row-major, `count * width * height` values. */
export interface Digits {
  readonly images: Float64Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly width: number;
  readonly height: number;
}

export const digitsPath = new URL('../data/digits.bin.gz', import.meta.url);
const magic = 'CDIGITS1';
const headerBytes = 16;

/** Reads the bundled file (or another in the same format, written by `scripts/generate-digits.py`). */
export function loadDigits(path: string | URL = digitsPath): Digits {
  return decodeDigits(gunzipSync(readFileSync(path)));
}

/** Decodes the uncompressed format: magic, uint32 count, uint16 width and height, uint8 pixels, uint8 labels. */
export function decodeDigits(bytes: Uint8Array): Digits {
  const found = new TextDecoder().decode(bytes.subarray(0, magic.length));
  if (found !== magic) throw new ContrastiveInputError('digits file', `magic "${magic}"`, JSON.stringify(found));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const width = view.getUint16(12, true);
  const height = view.getUint16(14, true);
  const pixels = count * width * height;
  if (bytes.length !== headerBytes + pixels + count) {
    throw new ContrastiveInputError('digits file', `${headerBytes + pixels + count} bytes`, `${bytes.length} bytes`);
  }
  const images = new Float64Array(pixels);
  for (let i = 0; i < pixels; i++) images[i] = bytes[headerBytes + i]! / 16;
  const labels = bytes.slice(headerBytes + pixels, headerBytes + pixels + count);
  return { images, labels, count, width, height };
}

/** Rows `indices` of a dataset, in that order. */
export function selectDigits(digits: Digits, indices: ArrayLike<number>): Digits {
  const size = digits.width * digits.height;
  const images = new Float64Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    images.set(digits.images.subarray(row * size, (row + 1) * size), i * size);
    labels[i] = digits.labels[row]!;
  }
  return { images, labels, count: indices.length, width: digits.width, height: digits.height };
}

/** A seeded random split: `testFraction` of the images held out (never seen in training). */
export function splitDigits(digits: Digits, testFraction: number, random: Random): { train: Digits; test: Digits } {
  const order = permutation(digits.count, random);
  const testCount = Math.round(digits.count * testFraction);
  return { test: selectDigits(digits, order.subarray(0, testCount)), train: selectDigits(digits, order.subarray(testCount)) };
}
