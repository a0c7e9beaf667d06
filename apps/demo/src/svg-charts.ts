/**
 * Self-contained SVG charts for the report (no scripts, no external fonts or styles): a line chart of the
 * training loss and a scatter plot of 2-D points coloured by digit, with a legend.
 */

/** Tableau's ten categorical colours, one per digit. */
export const digitColors = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fixed = (value: number) => (Math.round(value * 10) / 10).toString();

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Maps `value` in [from, to] linearly onto [start, end] (the middle when the range is empty). */
function scale(from: number, to: number, start: number, end: number): (value: number) => number {
  return (value) => (to === from ? (start + end) / 2 : start + ((value - from) / (to - from)) * (end - start));
}

function axisTicks(min: number, max: number, count: number): number[] {
  if (max === min) return [min];
  return Array.from({ length: count + 1 }, (_, i) => min + ((max - min) * i) / count);
}

/**
 * The loss per training step as a polyline, with the mean loss per epoch as dots.
 * `stepLosses[i]` is step `i + 1`; `epochEnds[e]` is the number of steps done after epoch `e + 1`.
 */
export function lossCurveSvg(stepLosses: readonly number[], epochMeans: readonly number[], epochEnds: readonly number[], title: string): string {
  const frame: Frame = { width: 560, height: 320, left: 56, right: 16, top: 32, bottom: 44 };
  const finite = stepLosses.filter(Number.isFinite);
  const [low, high] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
  const x = scale(1, Math.max(stepLosses.length, 2), frame.left, frame.width - frame.right);
  const y = scale(low, high, frame.height - frame.bottom, frame.top);
  const path = stepLosses.map((loss, i) => `${fixed(x(i + 1))},${fixed(y(loss))}`).join(' ');
  const dots = epochMeans
    .map((loss, e) => `<circle cx="${fixed(x(epochEnds[e] ?? 1))}" cy="${fixed(y(loss))}" r="3" fill="#e15759"><title>epoch ${e + 1}: mean loss ${loss.toFixed(4)}</title></circle>`)
    .join('');
  const yTicks = axisTicks(low, high, 4)
    .map((v) => `<text x="${frame.left - 6}" y="${fixed(y(v) + 4)}" text-anchor="end">${v.toFixed(2)}</text><line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${fixed(y(v))}" y2="${fixed(y(v))}" stroke="#eee"/>`)
    .join('');
  const xTicks = axisTicks(1, Math.max(stepLosses.length, 1), Math.min(5, Math.max(stepLosses.length - 1, 1)))
    .map((v) => `<text x="${fixed(x(v))}" y="${frame.height - frame.bottom + 16}" text-anchor="middle">${Math.round(v)}</text>`)
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escape(title)}">`,
    `<text x="${frame.width / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    yTicks,
    xTicks,
    `<text x="${(frame.left + frame.width - frame.right) / 2}" y="${frame.height - 8}" text-anchor="middle">training step</text>`,
    `<text transform="translate(14 ${(frame.top + frame.height - frame.bottom) / 2}) rotate(-90)" text-anchor="middle">loss</text>`,
    `<polyline fill="none" stroke="#4e79a7" stroke-width="1.5" points="${path}"/>`,
    dots,
    `<text x="${frame.width - frame.right}" y="${frame.top - 6}" text-anchor="end" fill="#e15759">&#9679; epoch mean</text>`,
    '</svg>',
  ].join('\n');
}

/** A scatter of `points` [count, 2] coloured by `labels` (0..9), with a legend of the ten digits. */
export function scatterSvg(points: ArrayLike<number>, labels: ArrayLike<number>, title: string): string {
  const frame: Frame = { width: 440, height: 400, left: 16, right: 80, top: 32, bottom: 16 };
  const count = labels.length;
  const xs = Array.from({ length: count }, (_, i) => points[2 * i]!);
  const ys = Array.from({ length: count }, (_, i) => points[2 * i + 1]!);
  const x = scale(Math.min(...xs), Math.max(...xs), frame.left + 6, frame.width - frame.right - 6);
  const y = scale(Math.min(...ys), Math.max(...ys), frame.height - frame.bottom - 6, frame.top + 6);
  const dots = xs
    .map((px, i) => `<circle cx="${fixed(x(px))}" cy="${fixed(y(ys[i]!))}" r="3" fill="${digitColors[labels[i]!] ?? '#000'}" fill-opacity="0.8"/>`)
    .join('');
  const legend = digitColors
    .map((color, digit) => {
      const top = frame.top + 8 + digit * 20;
      return `<circle cx="${frame.width - frame.right + 16}" cy="${top}" r="5" fill="${color}"/><text x="${frame.width - frame.right + 28}" y="${top + 4}">digit ${digit}</text>`;
    })
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escape(title)}">`,
    `<text x="${(frame.width - frame.right) / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    `<rect x="${frame.left}" y="${frame.top}" width="${frame.width - frame.left - frame.right}" height="${frame.height - frame.top - frame.bottom}" fill="none" stroke="#ccc"/>`,
    dots,
    legend,
    '</svg>',
  ].join('\n');
}

export { escape as escapeXml };
