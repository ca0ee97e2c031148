// The two figures of docs/results.md, drawn as SVG from the record and written as PNG:
// every trained code beside its random-init code, and the halves grid's MI estimate
// against probe accuracy.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Grouped bars: each trained code (or raw pixels) beside its random-init code.
 * @param bars [{ label, value, random }] in %, random null where there is none
 */
function barsSvg(bars) {
  // Room for the longest label at ~6.5 px a character (12 px sans-serif), then 600 px of bars.
  const left = 20 + Math.ceil(6.5 * Math.max(...bars.map((b) => b.label.length)));
  const W = left + 600;
  const rowH = 22;
  const top = 40;
  const H = top + bars.length * rowH + 50;
  const lo = 50;
  const x = (v) => left + ((Math.max(v, lo) - lo) / (100 - lo)) * (W - left - 30);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Linear-probe test accuracy of the code (%), trained (blue) vs same encoder at random init (grey)</text>`,
  ];
  for (let v = lo; v <= 100; v += 10)
    parts.push(
      `<line x1="${x(v)}" x2="${x(v)}" y1="${top - 5}" y2="${H - 40}" stroke="#ddd"/><text x="${x(v)}" y="${H - 25}" text-anchor="middle">${v}</text>`,
    );
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(b.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 2}" width="${x(b.value) - left}" height="${b.random === null ? 16 : 9}" fill="#1f77b4"/>`);
    if (b.random !== null) parts.push(`<rect x="${left}" y="${y + 11}" width="${x(b.random) - left}" height="7" fill="#aaa"/>`);
    parts.push(`<text x="${x(b.value) + 4}" y="${y + 11}">${b.value.toFixed(1)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * MI estimate (x) against probe accuracy (y) for each critic × bound of the halves grid.
 * @param rows the record's halves rows; logB the bound's ceiling log(batch), or null
 */
function scatterSvg(rows, logB) {
  const pts = rows
    .filter((r) => r.critic && r.code !== null && r.testEstimates.infonce !== null)
    .map((r) => ({ label: `${r.critic}, ${r.bound}`, bound: r.bound, mi: r.testEstimates.infonce, acc: r.code }));
  const base = rows.find((r) => !r.critic && r.code !== null);
  const W = 640;
  const H = 420;
  const L = 70;
  const T = 40;
  const R = 30;
  const B = 60;
  const accs = pts.map((p) => p.acc).concat(base ? [base.code] : []);
  const yLo = Math.floor(Math.min(...accs) - 2);
  const yHi = Math.ceil(Math.max(...accs) + 2);
  const xHi = Math.max(...pts.map((p) => p.mi), logB ?? 0) * 1.12;
  const X = (v) => L + (Math.max(0, v) / xHi) * (W - L - R);
  const Y = (v) => T + (1 - (v - yLo) / (yHi - yLo)) * (H - T - B);
  const colors = { infonce: '#1f77b4', nwj: '#d62728' };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">MNIST halves: I_NCE estimate (test) vs probe accuracy of g1(top half)</text>`,
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="black"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 20}" text-anchor="middle">I_NCE on held-out batches (nats)</text>`,
    `<text x="18" y="${(T + H - B) / 2}" transform="rotate(-90 18 ${(T + H - B) / 2})" text-anchor="middle">probe accuracy (%)</text>`,
  ];
  for (let v = 0; v <= xHi; v += 0.5) parts.push(`<text x="${X(v)}" y="${H - B + 15}" text-anchor="middle">${v.toFixed(1)}</text>`);
  for (let v = yLo; v <= yHi; v += 2)
    parts.push(
      `<text x="${L - 6}" y="${Y(v) + 4}" text-anchor="end">${v}</text><line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/>`,
    );
  if (logB !== null)
    parts.push(
      `<line x1="${X(logB)}" x2="${X(logB)}" y1="${T}" y2="${H - B}" stroke="#888" stroke-dasharray="4 3"/><text x="${X(logB) - 4}" y="${T + 12}" text-anchor="end" fill="#555">log B</text>`,
    );
  if (base)
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${Y(base.code)}" y2="${Y(base.code)}" stroke="#aaa" stroke-dasharray="2 2"/><text x="${W - R}" y="${Y(base.code) - 4}" text-anchor="end" fill="#777">random init</text>`,
    );
  for (const p of pts) {
    parts.push(
      `<circle cx="${X(p.mi)}" cy="${Y(p.acc)}" r="5" fill="${colors[p.bound]}"/><text x="${X(p.mi) + 8}" y="${Y(p.acc) + 4}">${esc(p.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

module.exports = { barsSvg, scatterSvg };
