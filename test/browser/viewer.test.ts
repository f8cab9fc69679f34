// The notebook viewer and the table's layout in a real browser (Debian chromium): Markdown as
// marked renders it, math through KaTeX, code through highlight.js, prompts, a collapsed long
// output, attachments, jump to error, the running cell, downloads; the table at 800 and 1400 px;
// and a first render that loads neither KaTeX nor highlight.js.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Marked } from 'marked';
import type { Page } from 'playwright-core';
import type { CommitMachine } from '../../src/core/model.js';
import { BrowserDashboard, type StartedDashboard, writeLocalConfig } from '../helpers/browser-dashboard.js';
import { commitMachine, devMachine } from '../helpers/machines.js';
import { FIXTURES, processingMetadata, progressNotebook, TestOutputRepo } from '../helpers/output-repo.js';
import { ERROR_CELL, LONG_LINES, MD_CASES, viewerNotebook } from './viewer-notebook.js';

const VIEW = '20250401_100000';
const RUN = '20250401_110000';
const PNG = JSON.parse(
  readFileSync(join(FIXTURES, 'output-original', '20241107_035340', 'exp001.ipynb'), 'utf8'),
).cells[2].outputs[0].data['image/png'] as string;
const MODEL = Buffer.from([0, 1, 2, 250, 251, 252, 10, 13, 0]);
const SHOTS = process.env['MYMLOPS_SCREENSHOT_DIR'];

const bd = new BrowserDashboard('mymlops-viewer-');
let repo: TestOutputRepo;
let dash: StartedDashboard;

const machine = (over: Partial<CommitMachine>): CommitMachine =>
  commitMachine({ name: `job-${RUN}`, commitId: RUN, ...over });

before(async () => {
  repo = new TestOutputRepo('master');
  bd.onClose(() => repo.cleanup());
  repo.addFixture('output-mymlops');
  repo.write({
    [`${VIEW}/view.ipynb`]: viewerNotebook(PNG),
    [`${VIEW}/metadata.json`]: {
      ...processingMetadata('view.ipynb', 9, 9, { status: 'failed' }),
      notes: 'lr=0.1 everything the viewer shows',
      message: 'the command exited with code 1',
      error: { cell: ERROR_CELL, ename: 'ValueError', evalue: 'bad value' },
      attempt: 2,
      artifacts: true,
      accelerator: 'nvidia-tesla-t4',
      finished_at: new Date().toISOString(),
      duration_seconds: 3725,
      cost: { hourly_usd: 0.35, amount_usd: 0.12, estimate: true },
    },
    [`${VIEW}/artifacts/metrics.json`]: { auc: 0.91234, logloss: 0.2345, accuracy: 0.875 },
    [`${VIEW}/artifacts/model.bin`]: MODEL,
    [`${RUN}/live.ipynb`]: progressNotebook(2, 5),
    [`${RUN}/metadata.json`]: processingMetadata('live.ipynb', 2, 5),
  });
  ({ dash } = await bd.start(writeLocalConfig(bd.dir, join(bd.dir, 'repo.git'), repo.bare), {
    overrides: {
      listMachines: async () => [
        machine({}),
        devMachine({
          name: 'mymlops-dev-a-rather-long-machine-name',
          zone: 'europe-west4-a',
          sshTarget: 'root@127.0.0.1',
          idle: { idle_seconds: 600, stops_in_seconds: 3000, updated_at: new Date().toISOString() },
        }),
      ],
    },
  }));
});

after(() => bd.close());

const openPage = (width?: number) => bd.openPage(`.tr[data-id="${VIEW}"]`, width);

async function openViewer(page: Page, id: string): Promise<void> {
  await page.click(`.tr[data-id="${id}"] .nb-open`);
  await page.locator('.viewer .nb[data-complete]').waitFor();
}

test('the first render loads neither KaTeX nor highlight.js; opening a notebook does', async () => {
  const { page, urls } = await openPage();
  await page.waitForLoadState('networkidle');
  assert.deepEqual(
    urls.filter((u) => /^\/(fonts\/|chunks\/|viewer\.(css|js)$)/.test(u)),
    [],
  );
  // Nor does any script the page did load.
  const scripts = urls.filter((u) => u.endsWith('.js'));
  assert.ok(scripts.includes('/app.js'));
  for (const u of scripts) {
    const body = await (await page.request.get(new URL(u, dash.url).href)).text();
    assert.ok(!/katex|hljs|highlight\.js/i.test(body), `${u} bundles neither`);
  }
  await openViewer(page, VIEW);
  await page.locator('.katex').first().waitFor();
  assert.ok(urls.includes('/viewer.js'));
  assert.ok(urls.includes('/viewer.css'));
  await page.waitForFunction(() => document.fonts.check('16px KaTeX_Main'));
  await page.close();
});

test('math renders through KaTeX, code through highlight.js, with In/Out prompts', async () => {
  const { page } = await openPage();
  await openViewer(page, VIEW);
  const mathCell = page.locator(`.md-cell[data-cell="${Object.keys(MD_CASES).length}"]`);
  assert.equal(await mathCell.locator('.katex').count(), 3, 'two inline, one display');
  assert.equal(await mathCell.locator('.katex-display').count(), 1);
  assert.equal(
    await mathCell.locator('.katex-html .msupsub').count(),
    4,
    'x², y₁, a_b and the limits of the integral typeset',
  );
  const latex = page.locator('.out.latex .katex-display');
  assert.equal(await latex.count(), 1, 'text/latex output typeset in display mode');
  assert.equal(await latex.locator('.katex-html .mfrac').count(), 1);
  const code = page.locator('.code-cell').first();
  assert.deepEqual(await code.locator('.hljs-keyword').allInnerTexts(), ['import', 'def', 'return']);
  assert.equal(await code.locator('.prompt').first().innerText(), 'In [1]:');
  assert.equal(await code.locator('.out-prompt').innerText(), 'Out[1]:');
  const img = page.locator('.md-cell img');
  await page.waitForFunction(
    () => (document.querySelector('.md-cell img') as HTMLImageElement)?.naturalWidth === 40,
  );
  assert.match((await img.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
  if (SHOTS) {
    await mathCell.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'viewer-1400.png') });
  }
  await page.close();
});

test('Markdown cells render as marked renders them', async () => {
  const { page } = await openPage();
  await openViewer(page, VIEW);
  const marked = new Marked({ gfm: true });
  for (const [i, [name, src]] of Object.entries(MD_CASES).entries()) {
    const want = marked.parse(src) as string;
    // A string, not a function: the test runner's transpiler would add helpers the page lacks.
    const [got, expected] = (await page.evaluate(`(() => {
      // Links open in a new tab: the one difference the viewer adds on purpose.
      const norm = (el) => {
        for (const a of el.querySelectorAll('a')) { a.removeAttribute('target'); a.removeAttribute('rel'); }
        return el.innerHTML.trim();
      };
      const t = document.createElement('template');
      t.innerHTML = ${JSON.stringify(want)};
      const box = document.createElement('div');
      box.append(t.content.cloneNode(true));
      const cell = document.querySelector('.md-cell[data-cell="${i}"] .md');
      return [cell ? norm(cell.cloneNode(true)) : null, norm(box)];
    })()`)) as [string | null, string];
    assert.equal(got, expected, name);
  }
  // The cases are what they claim to be (so an empty render could not pass above).
  for (const sel of [
    'ul ul ul',
    'h1',
    'h2',
    'del',
    'input[type=checkbox][checked]',
    'br',
    'pre code',
    'ol[start="3"]',
    'details summary',
    'td[align=right]',
    'a[href="http://www.example.com"]',
  ])
    assert.ok((await page.locator(`.md-cell ${sel}`).count()) > 0, sel);
  await page.close();
});

test('a long output is collapsed and expands; jump to error; the failure and attempt in the row', async () => {
  const { page } = await openPage();
  const notes = await page.locator(`.tr[data-id="${VIEW}"] .c-notes`).innerText();
  assert.match(notes, /attempt 2/);
  assert.match(notes, /ValueError: bad value/);
  assert.doesNotMatch(notes, /exited with code/);
  await openViewer(page, VIEW);
  const pre = page.locator('pre.out.stream');
  const lines = async () => (await pre.innerText()).split('\n').filter((l) => l.startsWith('line ')).length;
  assert.ok(await pre.evaluate((el) => el.classList.contains('collapsed')));
  assert.ok((await lines()) < 200);
  await page.click('pre.out .show-all');
  assert.equal(await lines(), LONG_LINES);
  assert.match(await page.locator('.viewer-title').innerText(), /attempt 2/);
  await page.click('.jump-error');
  const cell = page.locator(`.cell[data-cell="${ERROR_CELL}"]`);
  assert.ok(await cell.evaluate((el) => el.classList.contains('flash')));
  const [box, view] = [await cell.boundingBox(), await page.locator('.viewer-body').boundingBox()];
  assert.ok(box && view && box.y >= view.y - 1 && box.y < view.y + view.height, 'the error cell is in view');
  await page.close();
});

test('a processing notebook marks its running cell', async () => {
  const { page } = await openPage();
  await openViewer(page, RUN);
  const running = page.locator('.code-cell.running');
  assert.equal(await running.count(), 1);
  assert.equal(await running.getAttribute('data-cell'), '2');
  assert.equal(await running.locator('.prompt').first().innerText(), 'In [*]:');
  await page.close();
});

test('the notebook and an artifact download with their bytes', async () => {
  const { page } = await openPage();
  await openViewer(page, VIEW);
  const save = async (sel: string) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(sel)]);
    return { name: dl.suggestedFilename(), bytes: readFileSync((await dl.path())!) };
  };
  const nb = await save('.dl-notebook');
  assert.equal(nb.name, 'view.ipynb');
  assert.deepEqual(JSON.parse(nb.bytes.toString('utf8')), viewerNotebook(PNG));
  await page.click('details.artifacts summary');
  const model = await save('.dl-artifact:text("model.bin")');
  assert.equal(model.name, 'model.bin');
  assert.deepEqual(model.bytes, MODEL);
  const traversal = await page.request.get(
    new URL(`/api/commits/${VIEW}/files/..%2F..%2Fetc%2Fpasswd`, dash.url).href,
  );
  assert.equal(traversal.status(), 400);
  await page.close();
});

async function noHorizontalScroll(page: Page): Promise<void> {
  const { sw, cw } = await page
    .locator('.table-scroll')
    .evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
  assert.ok(sw <= cw, `table scrollWidth ${sw} <= clientWidth ${cw}`);
}

/** The cell is inside the table's visible box and its text is not cut. */
async function fullyVisible(page: Page, sel: string): Promise<void> {
  const cell = page.locator(sel);
  const [box, table] = [await cell.boundingBox(), await page.locator('.table-scroll').boundingBox()];
  assert.ok(
    box && table && box.width > 0 && box.x >= table.x && box.x + box.width <= table.x + table.width,
    sel,
  );
  assert.ok(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth), `${sel} is not cut`);
}

test('at 800 px: status, notebook, notes, progress and the first metric, no horizontal scroll', async () => {
  const { page } = await openPage(800);
  await noHorizontalScroll(page);
  const heads = await page.locator('.th').allInnerTexts();
  assert.deepEqual(
    heads.map((t) => t.replace(/[ ▲▼]+$/, '')),
    ['Status', 'Notebook', 'Notes', 'Progress', 'auc'],
  );
  await fullyVisible(page, `.tr[data-id="${RUN}"] .c-run .bar`);
  await fullyVisible(page, `.tr[data-id="${VIEW}"] .c-run`);
  assert.equal(await page.locator(`.tr[data-id="${VIEW}"] .c-run`).innerText(), '1h02m');
  await fullyVisible(page, `.tr[data-id="${VIEW}"] .c-m-auc`);
  // A dev VM's name stays on one line.
  const name = page.locator('td.vm-name');
  const lh = await name.evaluate((el) => Number.parseFloat(getComputedStyle(el).lineHeight) || 20);
  assert.ok(((await name.boundingBox())?.height ?? 99) < lh * 1.6, 'one line');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'dashboard-800.png'), fullPage: true });
  // The column picker adds a column, remembered after a reload.
  await page.click('.column-picker summary');
  await page.check('.picker-panel input[data-key="cost"]');
  await page.reload();
  await page.waitForSelector(`.tr[data-id="${VIEW}"] .c-cost`);
  assert.equal(await page.locator(`.tr[data-id="${VIEW}"] .c-cost`).innerText(), '~$0.12');
  await page.evaluate(() => localStorage.removeItem('mymlops.columns'));
  await page.close();
});

test('at 1400 px nothing is cut: cost, accelerator, three metrics', async () => {
  const { page } = await openPage(1400);
  await noHorizontalScroll(page);
  for (const c of ['c-cost', 'c-accelerator span', 'c-m-auc', 'c-m-logloss', 'c-m-accuracy', 'c-duration'])
    await fullyVisible(page, `.tr[data-id="${VIEW}"] .${c}`);
  assert.equal(await page.locator(`.tr[data-id="${VIEW}"] .c-accelerator`).innerText(), 'nvidia-tesla-t4');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'dashboard-1400.png') });
  await page.close();
});
