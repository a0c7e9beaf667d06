/** Canvas drawing for the live training demo: the loss curve and the 2-D embedding scatter. */

/** Ten distinguishable colours, one per digit (the Tableau 10 palette). */
export const digitColours = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function drawLossCurve(canvas: HTMLCanvasElement, losses: readonly number[]): void {
  const context = canvas.getContext('2d');
  if (!context || losses.length === 0) return;
  const { width, height } = canvas;
  const pad = 36;
  const max = Math.max(...losses);
  const min = Math.min(...losses);
  const span = max - min || 1;
  context.clearRect(0, 0, width, height);
  context.fillStyle = '#888';
  context.font = '11px sans-serif';
  context.fillText(max.toFixed(2), 2, pad / 2 + 4);
  context.fillText(min.toFixed(2), 2, height - pad / 2);
  context.fillText(`step ${losses.length}`, width - 60, height - 4);
  context.strokeStyle = '#3451b2';
  context.lineWidth = 1.5;
  context.beginPath();
  losses.forEach((loss, i) => {
    const x = pad + ((width - pad - 8) * i) / Math.max(losses.length - 1, 1);
    const y = pad / 2 + ((height - pad) * (max - loss)) / span;
    if (i === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.stroke();
}

export function drawScatter(canvas: HTMLCanvasElement, points: ArrayLike<number>, labels: ArrayLike<number>): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  const count = labels.length;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    [minX, maxX] = [Math.min(minX, points[2 * i]!), Math.max(maxX, points[2 * i]!)];
    [minY, maxY] = [Math.min(minY, points[2 * i + 1]!), Math.max(maxY, points[2 * i + 1]!)];
  }
  const pad = 12;
  const scale = (value: number, min: number, max: number, extent: number) => pad + ((extent - 2 * pad) * (value - min)) / (max - min || 1);
  context.clearRect(0, 0, width, height);
  context.font = '10px sans-serif';
  for (let i = 0; i < count; i++) {
    context.fillStyle = digitColours[labels[i]! % 10]!;
    context.fillText(String(labels[i]), scale(points[2 * i]!, minX, maxX, width) - 3, height - scale(points[2 * i + 1]!, minY, maxY, height) + 3);
  }
}
