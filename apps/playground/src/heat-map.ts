/**
 * Draws a [rows, columns] row-major matrix on a canvas, one square cell per entry, coloured on a scale from
 * `range[0]` (dark blue) through the middle (white) to `range[1]` (dark red). Values outside the range are clamped.
 */
export function drawHeatMap(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  range: readonly [number, number],
): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const cellWidth = canvas.width / columns;
  const cellHeight = canvas.height / rows;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const t = (values[i * columns + j]! - range[0]) / (range[1] - range[0]);
      context.fillStyle = divergingColour(Math.min(Math.max(t, 0), 1));
      context.fillRect(j * cellWidth, i * cellHeight, Math.ceil(cellWidth), Math.ceil(cellHeight));
    }
  }
}

/** `t` in [0, 1]: blue (0) -> white (0.5) -> red (1). */
export function divergingColour(t: number): string {
  const blue = [33, 102, 172];
  const white = [247, 247, 247];
  const red = [178, 24, 43];
  const [from, to, u] = t < 0.5 ? [blue, white, t * 2] : [white, red, (t - 0.5) * 2];
  const channel = (k: number) => Math.round(from[k]! + (to[k]! - from[k]!) * u);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}
