/**
 * The browser test of the docs site: builds it (`build-demo.js` + typedoc, as
 * `npm run docs` does after the packages are built), serves it on 127.0.0.1, and
 * drives Debian's chromium through playwright-core. Screenshots go to
 * apps/docs-test/artifacts/ (git-ignored). Skips, saying why, without /usr/bin/chromium.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { crawlSite } from './site-crawl';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serve } = require('../../../tools/docs/static-server.js') as {
  serve: (root: string) => Promise<{ url: string; close: () => Promise<void> }>;
};

const ROOT = path.resolve(__dirname, '../../..');
const SITE = path.join(ROOT, 'docs/site');
const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface DemoState {
  status: string;
  backend: string;
  steps: number;
  estimates: number[];
  msPerStep: number;
  error?: string;
}

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.log(`site.spec: skipped — ${CHROMIUM} is absent (apt-get install -y chromium)`);
const describeBrowser = haveChromium ? describe : describe.skip;

describeBrowser('docs site in chromium', () => {
  let server: { url: string; close: () => Promise<void> };
  let context: BrowserContext;
  let profile: string;
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'tools/docs/build-demo.js')], { cwd: ROOT, stdio: 'inherit' });
    const typedocBin = path.join(path.dirname(require.resolve('typedoc/package.json')), 'bin/typedoc');
    execFileSync(process.execPath, [typedocBin, '--logLevel', 'Warn'], { cwd: ROOT, stdio: 'inherit' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await serve(SITE);
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-docs-chromium-'));
    // A persistent context is how playwright takes a --user-data-dir: a fresh one per run.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    context.on('weberror', (e) => pageErrors.push(String(e.error())));
    context.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
    });
  }, 240000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  async function open(page: Page, rel: string): Promise<void> {
    await page.goto(server.url + rel, { waitUntil: 'load' });
    // typedoc's main.js reveals the body once its scripts ran.
    await page.waitForFunction(() => document.body.style.display !== 'none');
  }

  it('the landing page renders: title, package list, navigation', async () => {
    const page = await context.newPage();
    await open(page, 'index.html');
    expect(await page.title()).toContain('infomax');
    const text = await page.locator('.col-content').innerText();
    expect(text).toContain('@infomax/estimators');
    await page.waitForSelector('.site-menu nav a, .site-menu .tsd-navigation a');
    const navText = await page.locator('.site-menu').innerText();
    expect(navText).toContain('Concepts');
    await page.screenshot({ path: path.join(ARTIFACTS, 'landing.png') });
    await page.close();
  });

  it("the demo's 512 digits are a class-balanced sample: 51 or 52 of every digit", () => {
    const bin = fs.readFileSync(path.join(ROOT, 'tools/docs/dist/demo/digits.bin'));
    const [count, side] = [bin.readUInt32LE(4), bin.readUInt32LE(8)];
    const perClass = new Array<number>(10).fill(0);
    for (const label of bin.subarray(16 + count * side * side)) perClass[label]++;
    expect(count).toBe(512);
    // 512 = 10 × 51 + 2: the two left over go to the lowest labels.
    expect(perClass).toEqual([52, 52, 51, 51, 51, 51, 51, 51, 51, 51]);
  });

  it('every internal link and asset of the site resolves (crawl from index.html)', () => {
    const { pages, links, broken } = crawlSite(SITE);
    if (broken.length > 0) console.log('broken links:\n' + broken.map((b) => `  ${b.from}: ${b.href} (${b.why})`).join('\n'));
    expect(pages).toBeGreaterThan(100);
    expect(links).toBeGreaterThan(1000);
    expect(broken).toEqual([]);
  });

  it('search finds infoNce and its result opens the function page', async () => {
    const page = await context.newPage();
    await open(page, 'index.html');
    await page.click('#tsd-search-trigger');
    await page.fill('#tsd-search-input', 'infoNce');
    const first = page.locator('#tsd-search-results li a').first();
    await first.waitFor();
    const results = await page.locator('#tsd-search-results li').allInnerTexts();
    expect(results.some((r) => r.includes('infoNce'))).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png') });
    await page.locator('#tsd-search-results li a', { hasText: 'infoNce' }).first().click();
    await page.waitForURL(/infoNce\.html/);
    expect(await page.locator('h1').innerText()).toContain('infoNce');
    await page.close();
  });

  it('formulas render with KaTeX and its own fonts (no CDN)', async () => {
    const page = await context.newPage();
    await open(page, 'documents/Concepts.html');
    const counts = await page.evaluate(() => ({
      inline: document.querySelectorAll('.katex').length,
      display: document.querySelectorAll('.katex-display').length,
      errors: document.querySelectorAll('.katex-error').length,
    }));
    expect(counts.display).toBeGreaterThanOrEqual(8);
    expect(counts.inline).toBeGreaterThanOrEqual(30);
    expect(counts.errors).toBe(0);
    const fontLoaded = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check('16px KaTeX_Main') && document.fonts.check('16px KaTeX_Math');
    });
    expect(fontLoaded).toBe(true);
    await page.locator('.katex-display').nth(3).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'concepts-formulas.png') });
    await page.close();
  });

  it('the live demo trains ≥ 50 steps in the browser and its MI estimate rises', async () => {
    const page = await context.newPage();
    await open(page, 'documents/Live_demo.html?autostart');
    await page.waitForFunction(
      () => {
        const s = (window as unknown as { infomaxDemo?: DemoState }).infomaxDemo;
        return s !== undefined && (s.status === 'done' || s.status === 'error');
      },
      null,
      { timeout: 170000, polling: 1000 },
    );
    const state = (await page.evaluate(() => (window as unknown as { infomaxDemo: DemoState }).infomaxDemo)) as DemoState;
    await page.locator('#infomax-demo canvas').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-demo.png'), fullPage: true });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const first = mean(state.estimates.slice(0, 10));
    const last = mean(state.estimates.slice(-10));
    console.log(
      `live demo: ${state.status} on ${state.backend}, ${state.steps} steps, ${state.msPerStep.toFixed(0)} ms/step, ` +
        `MI estimate first 10 steps ${first.toFixed(3)} → last 10 ${last.toFixed(3)} nats`,
    );
    expect(state.error).toBeUndefined();
    expect(state.status).toBe('done');
    expect(state.backend).toBe('wasm');
    expect(state.steps).toBeGreaterThanOrEqual(50);
    expect(state.estimates.every(Number.isFinite)).toBe(true);
    expect(last).toBeGreaterThan(first + 0.5);
    expect(Math.max(...state.estimates)).toBeLessThanOrEqual(Math.log(16) + 1e-4); // InfoNCE ≤ log K
    await page.close();
  }, 200000);

  it('the results page leads with its summary table: no paragraph or list item before it runs past 80 words', async () => {
    const page = await context.newPage();
    await open(page, 'documents/Results__Fashion-MNIST_and_MNIST.html');
    const blocks = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.col-content table, .col-content p, .col-content li')).map((e) => ({
        tag: e.tagName.toLowerCase(),
        words: (e as HTMLElement).innerText.split(/\s+/).filter(Boolean).length,
        rows: e.tagName === 'TABLE' ? e.querySelectorAll('tbody tr').length : 0,
      })),
    );
    const first = blocks.findIndex((b) => b.tag === 'table');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(blocks[first].rows).toBeGreaterThanOrEqual(5);
    const long = blocks.slice(0, first).filter((b) => b.words > 80);
    expect(long).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'results.png') });
    await page.close();
  });

  it('the trainer manual is a page of the site: the landing page links it as HTML, it renders with the quoted result, and no page links a .md file', async () => {
    const page = await context.newPage();
    await open(page, 'index.html');
    const link = page.locator('.col-content a', { hasText: 'apps/trainer' }).first();
    expect(await link.getAttribute('href')).toMatch(/^documents\/[^/]+\.html$/);
    await link.click();
    await page.waitForURL(/\.html$/);
    await page.waitForFunction(() => document.body.style.display !== 'none');
    expect(await page.locator('.col-content h1').first().innerText()).toContain('infomax');
    const bench = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/benchmarks/trainer.json'), 'utf8')) as { summary: string };
    expect(await page.locator('.col-content').innerText()).toContain(bench.summary);
    await page.close();
    const htmlFiles = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? htmlFiles(path.join(dir, e.name)) : e.name.endsWith('.html') ? [path.join(dir, e.name)] : []));
    const mdLinks = htmlFiles(SITE).flatMap((f) =>
      [...fs.readFileSync(f, 'utf8').matchAll(/\shref="(?![a-z]+:|\/\/)([^"#]*\.md)(?:#[^"]*)?"/gi)].map(
        (m) => `${path.relative(SITE, f)}: ${m[1]}`,
      ),
    );
    expect(mdLinks).toEqual([]);
  });

  it('no page threw, and nothing the pages requested was missing', () => {
    expect(pageErrors).toEqual([]);
    expect(failedRequests.filter((r) => !r.endsWith('/favicon.ico'))).toEqual([]);
  });
});
