/**
 * The UCI optical-digits set (Alpaydin and Kaynak 1998, CC BY 4.0), as bundled by the Node demo in
 * `apps/demo/data/digits.bin.gz` (format in that folder's README): gzip of the magic `CDIGITS1`, uint32 count,
 * uint16 width and height (little-endian), `count * width * height` uint8 pixels (0..16), `count` uint8 labels.
 */
export interface DigitImages {
  /** Pixels scaled to [0, 1], row-major, `count * width * height`. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly width: number;
  readonly height: number;
}

const magic = 'CDIGITS1';
const headerBytes = 16;

/** Fetches and decodes the file; gunzips it unless the server already did (Content-Encoding). */
export async function fetchDigits(url: string): Promise<DigitImages> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`digits: ${url} answered ${response.status}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return decodeDigits(bytes);
}

export function decodeDigits(bytes: Uint8Array): DigitImages {
  const found = new TextDecoder().decode(bytes.subarray(0, magic.length));
  if (found !== magic) throw new Error(`digits: expected magic "${magic}", got ${JSON.stringify(found)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const width = view.getUint16(12, true);
  const height = view.getUint16(14, true);
  const pixels = count * width * height;
  if (bytes.length !== headerBytes + pixels + count) {
    throw new Error(`digits: expected ${headerBytes + pixels + count} bytes, got ${bytes.length}`);
  }
  const images = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) images[i] = bytes[headerBytes + i]! / 16;
  return { images, labels: bytes.slice(headerBytes + pixels), count, width, height };
}
