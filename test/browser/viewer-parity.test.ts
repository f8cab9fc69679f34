// The viewer next to `jupyter nbconvert --to html` of the same public-style notebooks
// (test/fixtures/viewer/): nbconvert runs here, its page is typeset by MathJax as nbconvert's
// template configures it (Debian's libjs-mathjax), and each category is compared: typeset
// equations and their numbers, heading order and sizes, the output type chosen among a result's,
// DataFrame cells and their alignment and stripes, raw cells, footnotes, nested lists, fenced code,
// an nbformat 3 notebook, and an image named by a path relative to the notebook.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import { BrowserDashboard, type StartedDashboard, writeLocalConfig } from '../helpers/browser-dashboard.js';
import { codeRepoWithSnapshots } from '../helpers/code-repo.js';
import { FIXTURES, processingMetadata, TestOutputRepo } from '../helpers/output-repo.js';

const NB = join(FIXTURES, 'viewer');
const IDS = {
  math: '20250501_100000',
  outputs: '20250501_110000',
  markdown: '20250501_120000',
  v3: '20250501_130000',
};
type Name = keyof typeof IDS;
const SHOTS = process.env['MYMLOPS_SCREENSHOT_DIR'];

const bd = new BrowserDashboard('mymlops-parity-');
let repo: TestOutputRepo;
let browser: Browser;
let dash: StartedDashboard;

before(async () => {
  repo = new TestOutputRepo('master');
  bd.onClose(() => repo.cleanup());
  const files: Record<string, string | Buffer | object> = {};
  for (const [name, id] of Object.entries(IDS)) {
    files[`${id}/${name}.ipynb`] = readFileSync(join(NB, `${name}.ipynb`));
    files[`${id}/metadata.json`] = {
      ...processingMetadata(`${name}.ipynb`, 1, 1, { status: 'succeeded' }),
      notebook_path: `notebooks/${name}.ipynb`,
    };
  }
  repo.write(files);
  // The code repository: the notebook's own folder holds img/dot.png in the commit's snapshot.
  const code = codeRepoWithSnapshots(bd.dir, [
    {
      id: IDS.markdown,
      files: {
        'notebooks/markdown.ipynb': readFileSync(join(NB, 'markdown.ipynb')),
        'notebooks/img/dot.png': readFileSync(join(NB, 'img', 'dot.png')),
        'secret.txt': 'not an image',
      },
    },
  ]);
  ({ browser, dash } = await bd.start(writeLocalConfig(bd.dir, code.bare, repo.bare), {
    overrides: { listMachines: async () => [] },
  }));
});

after(() => bd.close());

const converted = new Map<Name, string>();

/** nbconvert's HTML of a fixture (converted once), opened in chromium and typeset by MathJax. */
async function nbconvertPage(name: Name): Promise<Page> {
  let file = converted.get(name);
  if (!file) {
    const html = execFileSync(
      '/usr/bin/jupyter-nbconvert',
      ['--to', 'html', '--stdout', join(NB, `${name}.ipynb`)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    file = join(bd.dir, `${name}.nbconvert.html`);
    writeFileSync(file, html);
    converted.set(name, file);
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => typeof (window as { MathJax?: unknown }).MathJax === 'object');
  await page.evaluate(
    () =>
      new Promise<void>((r) =>
        (window as unknown as { MathJax: { Hub: { Queue(f: () => void): void } } }).MathJax.Hub.Queue(() =>
          r(),
        ),
      ),
  );
  return page;
}

async function viewerPage(name: Name, width = 1400): Promise<Page> {
  const { page } = await bd.openPage(`.tr[data-id="${IDS[name]}"] .nb-open`, width);
  await page.click(`.tr[data-id="${IDS[name]}"] .nb-open`);
  await page.locator('.viewer .nb[data-complete]').waitFor();
  await page.waitForFunction(() => document.fonts.status === 'loaded');
  return page;
}

const MATHJAX_ROOTS = '.MathJax_CHTML';
const MATHJAX_NUMBERS = '.mjx-label';

test('math: as many typeset equations and equation numbers as MathJax on nbconvert, no errors', async () => {
  for (const name of ['math', 'v3'] as const) {
    const ref = await nbconvertPage(name);
    const want = await ref.evaluate(
      ([roots, nums]) => ({
        math: document.querySelectorAll(roots!).length,
        numbers: [...document.querySelectorAll(nums!)].flatMap((e) => e.textContent?.match(/\(\d+\)/g) ?? []),
        errors: document.querySelectorAll('.mjx-merror, .MathJax_Error').length,
      }),
      [MATHJAX_ROOTS, MATHJAX_NUMBERS],
    );
    await ref.close();
    const page = await viewerPage(name);
    const got = await page.evaluate(() => ({
      math: document.querySelectorAll('.viewer .katex').length,
      // KaTeX puts the numbers of an environment's rows in one column.
      numbers: [...document.querySelectorAll('.viewer .katex-html .katex-tag')].flatMap(
        (e) => e.textContent?.match(/\(\d+\)/g) ?? [],
      ),
      errors: document.querySelectorAll('.viewer .katex-error').length,
    }));
    assert.equal(want.errors, 0, `${name}: MathJax typesets the fixture without errors`);
    assert.deepEqual(got, want, name);
    if (name === 'math') {
      // \ref and \eqref give the numbers MathJax gives; \newcommand from the first cell works later.
      const text = await page.locator('.viewer .md-cell[data-cell="1"]').innerText();
      assert.match(text, /\(2\)/);
      assert.equal(await page.locator('.viewer .md-cell[data-cell="5"] .katex').count(), 0);
      assert.equal(await page.locator('.viewer .md-cell[data-cell="5"] code').count(), 2);
      if (SHOTS) {
        await page.screenshot({ path: join(SHOTS, 'parity-math-1400.png') });
        await page.setViewportSize({ width: 800, height: 900 });
        await page.locator('.viewer .md-cell[data-cell="2"]').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SHOTS, 'parity-math-800.png') });
      }
    }
    await page.close();
  }
});

test('headings keep their order and sizes; footnotes, nested lists and fenced code as nbconvert', async () => {
  const ref = await nbconvertPage('markdown');
  const shape = (root: string) =>
    `(() => { const r = document.querySelector(${JSON.stringify(root)});
      const hs = [...r.querySelectorAll('h1,h2,h3,h4,h5,h6')];
      return {
        headings: hs.map((h) => h.tagName + ' ' + h.textContent.replace(/¶$/, '').trim()),
        sizes: hs.map((h) => parseFloat(getComputedStyle(h).fontSize)),
        footnotes: r.querySelectorAll('.footnotes li').length,
        footnoteRefs: r.querySelectorAll('sup.footnote-ref').length,
        nested: r.querySelectorAll('li ul, li ol').length,
        items: r.querySelectorAll('li').length - r.querySelectorAll('.footnotes li').length,
        fenced: r.querySelectorAll('.highlight pre, pre code').length > 0,
      }; })()`;
  const want = (await ref.evaluate(shape('body'))) as Record<string, unknown> & { sizes: number[] };
  await ref.close();
  const page = await viewerPage('markdown', 800);
  const got = (await page.evaluate(shape('.viewer .nb'))) as typeof want;
  assert.deepEqual(got.headings, want.headings);
  for (const k of ['footnotes', 'footnoteRefs', 'nested', 'items', 'fenced'])
    assert.equal(got[k], want[k], k);
  // h1 > h2 > h3 as in nbconvert, whatever the page's own h2 style.
  const order = (s: number[], hs: unknown) =>
    (hs as string[]).map((h, i) => [Number(h[1]), s[i]!] as const).sort((a, b) => a[0] - b[0]);
  const rank = (s: number[], hs: unknown) => order(s, hs).map(([, px]) => px);
  for (const sizes of [rank(want.sizes, want.headings), rank(got.sizes, got.headings)])
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! <= sizes[i - 1]!, `sizes ${sizes}`);
  assert.ok(got.sizes[1]! > got.sizes[2]!, '## is larger than ###');
  // Fenced python and the code cell: IPython magics and shell escapes are marked.
  const fence = page.locator('.viewer .md-cell[data-cell="2"] .highlight code');
  assert.ok((await fence.first().locator('span').count()) > 3, 'fenced python is highlighted');
  const meta = await page.locator('.viewer .code-cell .hljs-meta').allInnerTexts();
  assert.ok(meta.some((t) => t.startsWith('%matplotlib')));
  assert.ok(meta.some((t) => t.startsWith('!pip')));
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'parity-markdown-800.png') });
  await page.close();
});

test('raw cells as nbconvert includes them: HTML or unset formats shown as HTML, others left out', async () => {
  const ref = await nbconvertPage('markdown');
  const want = await ref.evaluate(() => ({
    bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'raw html').length,
    italic: [...document.querySelectorAll('i')].map((e) => e.textContent),
    latex: document.body.innerText.includes('Only for LaTeX'),
    rst: document.body.innerText.includes('Only for reST'),
  }));
  await ref.close();
  const page = await viewerPage('markdown');
  const got = await page.evaluate(() => {
    const raws = [...document.querySelectorAll<HTMLElement>('.viewer .raw-cell')];
    return {
      bold: [...document.querySelectorAll('.viewer .raw-cell b')].filter((b) => b.textContent === 'raw html')
        .length,
      italic: [...document.querySelectorAll('.viewer .raw-cell i')].map((e) => e.textContent),
      latex: raws.some((r) => !r.hidden && r.innerText.includes('Only for LaTeX')),
      rst: raws.some((r) => !r.hidden && r.innerText.includes('Only for reST')),
    };
  });
  assert.deepEqual(got, want);
  await page.close();
});

test("each result shows the type nbconvert's priority picks; DataFrames styled as nbconvert styles them", async () => {
  const ref = await nbconvertPage('outputs');
  const want = await ref.evaluate(() => ({
    mimes: [...document.querySelectorAll('.jp-OutputArea-output')].map(
      (e) =>
        e.getAttribute('data-mime-type') ??
        /^data:(image\/[a-z+]+);/.exec(e.querySelector('img')?.getAttribute('src') ?? '')?.[1] ??
        '?',
    ),
    table: (() => {
      const t = document.querySelector('table.dataframe')!;
      const rows = t.querySelectorAll('tbody tr');
      return {
        cells: t.querySelectorAll('td, th').length,
        align: getComputedStyle(t.querySelector('td')!).textAlign,
        striped: getComputedStyle(rows[0]!).backgroundColor !== getComputedStyle(rows[1]!).backgroundColor,
      };
    })(),
  }));
  await ref.close();
  const page = await viewerPage('outputs');
  await page.locator('iframe.out.html').waitFor();
  const got = await page.evaluate(() =>
    [...document.querySelectorAll('.viewer .output > *')].map((e) =>
      e instanceof HTMLElement && e.dataset['mime'] ? e.dataset['mime'] : 'text/plain',
    ),
  );
  assert.deepEqual(got, want.mimes);
  const frame = (await (await page.locator('iframe.out.html').elementHandle())!.contentFrame()) as Frame;
  await frame.locator('table.dataframe').waitFor();
  const table = await frame.evaluate(() => {
    const t = document.querySelector('table.dataframe')!;
    const rows = t.querySelectorAll('tbody tr');
    return {
      cells: t.querySelectorAll('td, th').length,
      align: getComputedStyle(t.querySelector('td')!).textAlign,
      striped: getComputedStyle(rows[0]!).backgroundColor !== getComputedStyle(rows[1]!).backgroundColor,
    };
  });
  assert.deepEqual(table, want.table);
  // The frame fits its content: no fixed box with blank space below the table.
  await page.waitForFunction(() => {
    const f = document.querySelector<HTMLIFrameElement>('iframe.out.html')!;
    const t = f.contentDocument ? null : f.getBoundingClientRect().height;
    return t !== null && f.style.height !== '';
  });
  const [frameH, tableH] = [
    await page.evaluate(
      () => document.querySelector<HTMLIFrameElement>('iframe.out.html')!.getBoundingClientRect().height,
    ),
    await frame.evaluate(() => {
      const t = document.querySelector('table.dataframe')!;
      return t.getBoundingClientRect().height + parseFloat(getComputedStyle(t).marginBottom);
    }),
  ];
  assert.ok(Math.abs(frameH - tableH) <= 3, `frame ${frameH}px for a ${tableH}px table`);
  if (SHOTS) {
    await page.screenshot({ path: join(SHOTS, 'parity-outputs-1400.png') });
    await page.setViewportSize({ width: 800, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'parity-outputs-800.png') });
  }
  await page.close();
});

test('an nbformat 3 notebook is read as nbformat upgrades it', async () => {
  const ref = await nbconvertPage('v3');
  const want = await ref.evaluate(() => ({
    code: document.querySelectorAll('.jp-CodeCell').length,
    headings: [...document.querySelectorAll('h1, h2')].map(
      (h) => `${h.tagName} ${h.textContent?.replace(/¶$/, '').trim()}`,
    ),
    prompts: [...document.querySelectorAll('.jp-InputPrompt')]
      .map((p) => p.textContent?.replace(/\s/g, ''))
      .filter(Boolean),
    images: document.querySelectorAll('.jp-OutputArea-output img').length,
    error: document.body.innerText.includes('ZeroDivisionError'),
  }));
  await ref.close();
  const page = await viewerPage('v3', 800);
  const got = await page.evaluate(() => ({
    code: document.querySelectorAll('.viewer .code-cell').length,
    headings: [...document.querySelectorAll('.viewer h1, .viewer h2')].map(
      (h) => `${h.tagName} ${h.textContent?.trim()}`,
    ),
    prompts: [...document.querySelectorAll('.viewer .code-cell > .prompt:first-child')].map((p) =>
      p.textContent?.replace(/\s/g, ''),
    ),
    images: document.querySelectorAll('.viewer img.out').length,
    error: (document.querySelector('.viewer .nb') as HTMLElement).innerText.includes('ZeroDivisionError'),
  }));
  assert.deepEqual(got, want);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'parity-v3-800.png') });
  await page.close();
});

test('an image named by a path relative to the notebook comes from the commit snapshot; paths are checked', async () => {
  const page = await viewerPage('markdown');
  const imgs = page.locator('.viewer .md-cell[data-cell="3"] img');
  assert.equal(await imgs.count(), 2);
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('.viewer .md-cell[data-cell="3"] img')].every(
      (i) => i.complete && i.naturalWidth === 24,
    ),
  );
  const code = (p: string) =>
    fetch(`${dash.url}api/commits/${IDS.markdown}/code?path=${encodeURIComponent(p)}`).then((r) => r.status);
  assert.equal(await code('img/dot.png'), 200);
  assert.equal(await code('./img/../img/dot.png'), 200);
  for (const bad of ['../secret.txt', '../../etc/passwd.png', '/etc/x.png', '../../../x.png', 'img/none.png'])
    assert.ok([400, 404].includes(await code(bad)), bad);
  assert.equal(await code('../secret.txt'), 400, 'only images');
  // A commit whose snapshot the code repository lacks: a one-line reason, not a hang.
  const missing = await fetch(`${dash.url}api/commits/${IDS.math}/code?path=img%2Fdot.png`);
  assert.equal(missing.status, 502);
  assert.match(
    ((await missing.json()) as { error: string }).error,
    /no snapshot of|cannot read the snapshot/,
  );
  await page.close();
});
