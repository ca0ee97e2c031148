// The staircase figure (after Poole et al. 2019, fig. 2): one panel per critic ×
// estimator, estimate per step (light), its moving average (dark), the true MI (black)
// and log B (dashed). Drawn as an SVG string; sharp rasterises it to PNG.
const PANEL_W = 250;
const PANEL_H = 190;
const LEFT = 90;
const TOP = 50;
const GAP_X = 18;
const GAP_Y = 46;
const Y_MIN = -1;
const Y_MAX = 13;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#ff7f0e'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Exponential moving average with a span of `span` steps, restarted at each stage. */
function smooth(values, stepsPerStage, span) {
  const a = 2 / (span + 1);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = i % stepsPerStage === 0 ? values[i] : a * values[i] + (1 - a) * out[i - 1];
  }
  return out;
}

/**
 * @param runs [{ critic, estimator, steps (per stage), estimates: Float64Array }]
 * @param criticNames row order; @param estimatorNames column order
 * @param stages true MI per stage; @param logB the InfoNCE ceiling
 * @returns the SVG text
 */
function staircaseSvg({ runs, criticNames, estimatorNames, labels, stages, logB, title }) {
  const width = LEFT + estimatorNames.length * (PANEL_W + GAP_X) + 10;
  const height = TOP + criticNames.length * (PANEL_H + GAP_Y) + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" font-size="18" text-anchor="middle">${esc(title)}</text>`,
  ];
  criticNames.forEach((critic, r) => {
    const y0 = TOP + r * (PANEL_H + GAP_Y);
    parts.push(
      `<text x="20" y="${y0 + PANEL_H / 2}" font-size="15" transform="rotate(-90 20 ${y0 + PANEL_H / 2})" text-anchor="middle">${esc(critic)} critic</text>`,
    );
    estimatorNames.forEach((estimator, c) => {
      const x0 = LEFT + c * (PANEL_W + GAP_X);
      const run = runs.find((q) => q.critic === critic && q.estimator === estimator);
      const stepsPerStage = run ? run.steps : 1;
      const total = stages.length * stepsPerStage;
      const sx = (i) => x0 + (i / (total - 1)) * PANEL_W;
      const sy = (v) => y0 + PANEL_H - ((Math.min(Y_MAX, Math.max(Y_MIN, v)) - Y_MIN) / (Y_MAX - Y_MIN)) * PANEL_H;
      parts.push(`<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="#fafafa" stroke="#999"/>`);
      for (let v = 0; v <= 12; v += 2) {
        parts.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${sy(v)}" y2="${sy(v)}" stroke="#e4e4e4"/>`);
        if (c === 0) parts.push(`<text x="${x0 - 6}" y="${sy(v) + 4}" font-size="11" text-anchor="end">${v}</text>`);
      }
      if (r === 0)
        parts.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 - 8}" font-size="13" text-anchor="middle">${esc(labels[estimator])}</text>`);
      if (!run) {
        parts.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H / 2}" font-size="12" text-anchor="middle" fill="#999">not run</text>`);
        return;
      }
      const color = COLORS[c % COLORS.length];
      const line = (vals) => Array.from(vals, (v, i) => `${sx(i).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${line(run.estimates)}" fill="none" stroke="${color}" stroke-opacity="0.3" stroke-width="0.8"/>`);
      parts.push(
        `<polyline points="${line(smooth(run.estimates, stepsPerStage, Math.max(5, stepsPerStage / 10)))}" fill="none" stroke="${color}" stroke-width="1.8"/>`,
      );
      const truth = stages.flatMap((mi, k) => [
        `${sx(k * stepsPerStage).toFixed(1)},${sy(mi)}`,
        `${sx(Math.min(total - 1, (k + 1) * stepsPerStage)).toFixed(1)},${sy(mi)}`,
      ]);
      parts.push(`<polyline points="${truth.join(' ')}" fill="none" stroke="black" stroke-width="1.4"/>`);
      parts.push(
        `<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${sy(logB)}" y2="${sy(logB)}" stroke="#444" stroke-dasharray="5,4" stroke-width="1"/>`,
      );
      if (r === criticNames.length - 1)
        parts.push(
          `<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H + 16}" font-size="11" text-anchor="middle">step (${stepsPerStage} per stage)</text>`,
        );
    });
  });
  const ly = height - 14;
  parts.push(
    `<line x1="${LEFT}" x2="${LEFT + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="black" stroke-width="1.4"/><text x="${LEFT + 36}" y="${ly}" font-size="12">true MI (nats)</text>`,
    `<line x1="${LEFT + 160}" x2="${LEFT + 190}" y1="${ly - 4}" y2="${ly - 4}" stroke="#444" stroke-dasharray="5,4"/><text x="${LEFT + 196}" y="${ly}" font-size="12">log B = ${logB.toFixed(2)}</text>`,
    `<text x="${LEFT + 320}" y="${ly}" font-size="12">light: estimate per step; dark: moving average; values clipped to [${Y_MIN}, ${Y_MAX}]</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

module.exports = { staircaseSvg };
