// typedoc plugin for the infomax site (loaded by typedoc.json's "plugin"):
//  1. renders $…$ and $$…$$ in the guides with KaTeX at build time (no script, no CDN),
//  2. ships KaTeX's stylesheet and fonts under assets/katex/,
//  3. ships the live demo (tools/docs/dist/demo, made by build-demo.js) under
//     assets/demo/ and loads it on the "Live demo" page only;
//  4. gives the READMEs listed in typedoc.json's `readmePages` ({ path: title }) a title
//     and the Guides group, so that they render as guide pages (a README has no front
//     matter: on GitHub it would show as a table); links to them land on those pages.
'use strict';
const fs = require('fs');
const path = require('path');
const katex = require('katex');
const { Converter, JSX, MarkdownEvent, ParameterType, RendererEvent, ReflectionKind } = require('typedoc');

const KATEX_DIST = path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
const DEMO_DIR = path.join(__dirname, 'dist', 'demo');
const DEMO_PAGE = 'Live demo';
/** Placeholder the markdown parser leaves alone (letters and digits only). */
const mark = (i) => `KATEXMATHPLACEHOLDER${i}X`;

/**
 * Replaces math outside code with placeholders; returns the new text and the
 * rendered HTML per placeholder. Code fences and inline code spans are skipped so
 * that `$` in TypeScript examples stays literal.
 */
function stashMath(markdown, onError) {
  const rendered = [];
  const render = (tex, displayMode) => {
    rendered.push(katex.renderToString(tex, { displayMode, throwOnError: false, output: 'htmlAndMathml' }));
    if (/katex-error/.test(rendered[rendered.length - 1])) onError(tex);
    return displayMode ? `\n\n${mark(rendered.length - 1)}\n\n` : mark(rendered.length - 1);
  };
  // Split into code (odd indices) and prose (even indices).
  const parts = markdown.split(/(^```[\s\S]*?^```[^\n]*$|`[^`\n]+`)/m);
  const out = parts.map((part, i) => {
    if (i % 2 === 1) return part;
    return part
      .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex) => render(tex.trim(), true))
      .replace(/(^|[^\\$])\$([^\s$](?:[^$\n]*?[^\s\\$])?)\$(?!\d)/g, (_, pre, tex) => pre + render(tex, false));
  });
  return { text: out.join(''), rendered };
}

function unstashMath(html, rendered) {
  return html
    .replace(/<p>KATEXMATHPLACEHOLDER(\d+)X<\/p>/g, (_, i) => `<div class="katex-block">${rendered[+i]}</div>`)
    .replace(/KATEXMATHPLACEHOLDER(\d+)X/g, (_, i) => rendered[+i]);
}

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(src, dst);
    else fs.copyFileSync(src, dst);
  }
}

/** @param {import('typedoc').Application} app */
exports.load = function load(app) {
  app.options.addDeclaration({
    name: 'readmePages',
    help: 'READMEs (paths relative to typedoc.json, also listed in projectDocuments) to render as guide pages: { path: title }',
    type: ParameterType.Mixed,
    defaultValue: {},
  });
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, doc) => {
    const pages = app.options.getValue('readmePages');
    const file = doc.project.files.getReflectionPath(doc);
    const title = file && pages[path.relative(process.cwd(), file).split(path.sep).join('/')];
    if (!title) return;
    doc.name = title;
    doc.frontmatter.group ??= 'Guides';
  });

  const stash = new WeakMap();
  const isDocument = (page) => page && page.model && page.model.kindOf && page.model.kindOf(ReflectionKind.Document);

  // Before typedoc's own markdown listener (priority 0) renders the text …
  app.renderer.on(
    MarkdownEvent.PARSE,
    (event) => {
      if (!isDocument(event.page)) return;
      const { text, rendered } = stashMath(event.parsedText, (tex) =>
        app.logger.warn(`KaTeX could not render "${tex}" in ${event.page.model.name}`),
      );
      if (rendered.length === 0) return;
      stash.set(event, rendered);
      event.parsedText = text;
    },
    100,
  );
  // … and after it.
  app.renderer.on(
    MarkdownEvent.PARSE,
    (event) => {
      const rendered = stash.get(event);
      if (rendered) event.parsedText = unstashMath(event.parsedText, rendered);
    },
    -100,
  );

  app.renderer.hooks.on('head.end', (context) =>
    JSX.createElement(
      JSX.Fragment,
      null,
      JSX.createElement('link', { rel: 'stylesheet', href: context.relativeURL('assets/katex/katex.min.css') }),
      JSX.createElement('style', null, JSX.createElement(JSX.Raw, { html: '.katex-block{overflow-x:auto;margin:1em 0}' })),
    ),
  );
  app.renderer.hooks.on('body.end', (context) =>
    context.page.model.name === DEMO_PAGE && isDocument(context.page)
      ? JSX.createElement('script', { src: context.relativeURL('assets/demo/demo.js'), defer: true })
      : JSX.createElement(JSX.Fragment, null),
  );

  app.renderer.on(RendererEvent.END, (event) => {
    const assets = path.join(event.outputDirectory, 'assets');
    fs.mkdirSync(path.join(assets, 'katex'), { recursive: true });
    fs.copyFileSync(path.join(KATEX_DIST, 'katex.min.css'), path.join(assets, 'katex', 'katex.min.css'));
    copyDir(path.join(KATEX_DIST, 'fonts'), path.join(assets, 'katex', 'fonts'));
    if (fs.existsSync(path.join(DEMO_DIR, 'demo.js'))) copyDir(DEMO_DIR, path.join(assets, 'demo'));
    else
      app.logger.warn(`live demo not built (${path.relative(process.cwd(), DEMO_DIR)} is empty): run node tools/docs/build-demo.js first`);
  });
};
