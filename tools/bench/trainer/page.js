// The generated parts of docs/benchmarks/trainer.md: each bench script rewrites the lines
// between its own pair of markers and leaves the rest of the page alone.
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..', '..');
const PAGE = path.join(ROOT, 'docs', 'benchmarks', 'trainer.md');

/** Replaces what lies between the markers `begin` and `end` of the page with `lines`. */
function writeBetween(begin, end, lines) {
  const page = fs.readFileSync(PAGE, 'utf8');
  const a = page.indexOf(begin);
  const b = page.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path.relative(ROOT, PAGE)}: the markers '${begin}' and '${end}' are missing`);
  fs.writeFileSync(PAGE, `${page.slice(0, a + begin.length)}\n\n${lines.join('\n')}\n\n${page.slice(b)}`);
}

module.exports = { PAGE, writeBetween };
