import type { PlaygroundLoss } from './playground-losses.js';

/** The playground's static HTML (controls, two canvases, outputs), with inline styles so it embeds anywhere. */
export function playgroundMarkup(losses: readonly PlaygroundLoss[], backends: readonly string[]): string {
  const options = (items: readonly { value: string; label: string }[]) =>
    items.map(({ value, label }) => `<option value="${value}">${label}</option>`).join('');
  const figure = (id: string, caption: string) => `
    <figure style="margin:0">
      <canvas data-testid="${id}" width="240" height="240" style="width:240px;height:240px;border:1px solid #ccc"></canvas>
      <figcaption style="font-size:0.85em;max-width:240px">${caption}</figcaption>
    </figure>`;
  return `
  <div class="contrastive-playground" style="font-family:inherit;display:grid;gap:0.75rem">
    <div style="display:flex;flex-wrap:wrap;gap:1rem;align-items:center">
      <label>loss <select data-testid="loss-select">${options(losses.map((l) => ({ value: l.name, label: l.label })))}</select></label>
      <label>backend <select data-testid="backend-select">${options(backends.map((b) => ({ value: b, label: b })))}</select></label>
      <label>temperature
        <input data-testid="temperature-slider" type="range" min="-2" max="0" step="0.01" style="vertical-align:middle">
        <output data-testid="temperature-value"></output>
      </label>
    </div>
    <div style="display:flex;flex-wrap:wrap;gap:1rem">
      ${figure('cosine-heat-map', 'cosine similarity cos(a<sub>i</sub>, p<sub>j</sub>), blue -1 to red +1; the diagonal holds the positives')}
      ${figure('softmax-heat-map', 'row softmax of cos / temperature (white 0, red 1): what each anchor\'s cross-entropy sees')}
    </div>
    <div>
      <div>loss: <strong data-testid="loss-value">…</strong> on <span data-testid="backend-ran">…</span></div>
      <div>gradient norms ||dL/dx||:</div>
      <ul data-testid="gradient-norms" style="margin:0"></ul>
      <div data-testid="status" data-state="idle" style="font-size:0.85em;color:#666">starting</div>
    </div>
  </div>`;
}
