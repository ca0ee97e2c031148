/**
 * Link checker for the built site: follows every internal href and src from the
 * landing page (HTML parsed with regular expressions: typedoc writes plain,
 * well-formed attributes) and reports targets that do not exist, or whose #anchor
 * no element carries.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A link that does not resolve. */
export interface BrokenLink {
  from: string;
  href: string;
  why: string;
}

/** What {@link crawlSite} found. */
export interface CrawlResult {
  pages: number;
  links: number;
  broken: BrokenLink[];
}

const ATTR = /\s(?:href|src)="([^"]*)"/g;
const ID = /\s(?:id|name)="([^"]*)"/g;

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/**
 * Crawls `root` from `start` (a path relative to it) without a server: site-relative
 * links are resolved on disk exactly as a static server resolves them.
 */
export function crawlSite(root: string, start = 'index.html'): CrawlResult {
  const queue = [path.resolve(root, start)];
  const seen = new Set(queue);
  const ids = new Map<string, Set<string>>();
  const anchorChecks: Array<{ from: string; file: string; hash: string; href: string }> = [];
  const broken: BrokenLink[] = [];
  let links = 0;
  const idsOf = (file: string): Set<string> => {
    let s = ids.get(file);
    if (!s) {
      s = new Set([...fs.readFileSync(file, 'utf8').matchAll(ID)].map((m) => decodeEntities(m[1])));
      ids.set(file, s);
    }
    return s;
  };
  while (queue.length > 0) {
    const file = queue.shift()!;
    const html = fs.readFileSync(file, 'utf8');
    const from = path.relative(root, file);
    for (const m of html.matchAll(ATTR)) {
      const href = decodeEntities(m[1]);
      if (href === '' || /^(?:[a-z]+:|\/\/)/i.test(href)) continue; // external, mailto:, data:, javascript:
      links++;
      const [pathPart, hash = ''] = href.split('#');
      const target = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart.split('?')[0]));
      if (!target.startsWith(path.resolve(root))) {
        broken.push({ from, href, why: 'points outside the site' });
        continue;
      }
      if (!fs.existsSync(target) || !fs.statSync(target).isFile()) {
        broken.push({ from, href, why: 'no such file' });
        continue;
      }
      if (hash) anchorChecks.push({ from, file: target, hash: decodeURIComponent(hash), href });
      if (target.endsWith('.html') && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  for (const a of anchorChecks) {
    if (!idsOf(a.file).has(a.hash)) broken.push({ from: a.from, href: a.href, why: `no element with id "${a.hash}"` });
  }
  return { pages: seen.size, links, broken };
}
