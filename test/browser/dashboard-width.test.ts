// The commits table at 1400 px with a sweep of two parameters and two metrics (the common case):
// every column, the group's "Compare group" button and the runs' values are inside the table's
// visible box, uncut, with no horizontal scroll.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { BrowserDashboard, writeLocalConfig } from '../helpers/browser-dashboard.js';
import { TestOutputRepo } from '../helpers/output-repo.js';

const GROUP = '20250701_090000g';
const RUNS = [0, 1, 2, 3].map((i) => ({
  id: `20250701_09000${i}`,
  lr: [0.001, 0.0003][i % 2]!,
  seed: Math.floor(i / 2),
  auc: 0.81234 + i / 100,
  loss: 0.34567 - i / 100,
}));
const SHOTS = process.env['MYMLOPS_SCREENSHOT_DIR'];

const bd = new BrowserDashboard('mymlops-width-');
let repo: TestOutputRepo;

before(async () => {
  repo = new TestOutputRepo('master');
  bd.onClose(() => repo.cleanup());
  const files: Record<string, object> = {};
  for (const r of RUNS) {
    files[`${r.id}/metadata.json`] = {
      accelerator: 'nvidia-tesla-t4',
      artifacts: true,
      backend: 'gce',
      branch: 'master',
      commit: r.id,
      notebook: 'train.ipynb',
      repository: 'git@github.com:someone/project.git',
      status: 'succeeded',
      notes: `lr sweep, run ${r.id}`,
      group: GROUP,
      parameters: { lr: r.lr, seed: r.seed },
      started_at: '2025-07-01T09:00:00Z',
      finished_at: '2025-07-01T10:02:05Z',
      duration_seconds: 3725,
      cost: { hourly_usd: 0.35, amount_usd: 0.36, estimate: true },
    };
    files[`${r.id}/artifacts/metrics.json`] = { auc: r.auc, loss: r.loss };
    // A result is a folder with its notebook.
    files[`${r.id}/train.ipynb`] = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  }
  repo.write(files);
  await bd.start(writeLocalConfig(bd.dir, join(bd.dir, 'code.git'), repo.bare), {
    overrides: { listMachines: async () => [] },
  });
});

after(() => bd.close());

/** Inside the table's visible box and its text not cut. */
async function fullyVisible(page: Page, sel: string): Promise<void> {
  const el = page.locator(sel).first();
  const [box, table] = [await el.boundingBox(), await page.locator('.table-scroll').boundingBox()];
  assert.ok(
    box && table && box.width > 0 && box.x >= table.x && box.x + box.width <= table.x + table.width,
    `${sel} inside the table (${JSON.stringify(box)} in ${JSON.stringify(table)})`,
  );
  assert.ok(await el.evaluate((e) => e.scrollWidth <= e.clientWidth), `${sel} is not cut`);
}

test('at 1400 px with two parameters and two metrics nothing is cut, "Compare group" included', async () => {
  const { page } = await bd.openPage(`.group-row[data-group="${GROUP}"]`);
  const group = page.locator(`.group-row[data-group="${GROUP}"]`);
  await group.locator('.group-toggle').click();
  await page.locator(`.tr[data-id="${RUNS[0]!.id}"]`).waitFor();
  const { sw, cw } = await page
    .locator('.table-scroll')
    .evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
  assert.ok(sw <= cw, `no horizontal scroll: scrollWidth ${sw} <= clientWidth ${cw}`);
  await fullyVisible(page, `.group-row[data-group="${GROUP}"] .group-compare`);
  const heads = (await page.locator('.th').allInnerTexts()).map((t) => t.replace(/[ ▲▼]+$/, ''));
  for (const h of ['lr', 'seed', 'auc', 'loss', 'Cost', 'Duration', 'Accelerator'])
    assert.ok(heads.includes(h), h);
  const row = `.tr[data-id="${RUNS[1]!.id}"]`;
  for (const c of [
    'c-time',
    'c-accelerator',
    'c-duration',
    'c-cost',
    'c-finished',
    'c-param',
    'c-m-auc',
    'c-m-loss',
  ])
    await fullyVisible(page, `${row} .${c}`);
  for (const [i, c] of ['lr', 'seed'].entries()) {
    const cell = page.locator(`${row} .c-param`).nth(i);
    assert.equal(await cell.innerText(), String(RUNS[1]![c as 'lr' | 'seed']));
    const [box, table] = [await cell.boundingBox(), await page.locator('.table-scroll').boundingBox()];
    assert.ok(box && table && box.x + box.width <= table.x + table.width, `${c} inside the table`);
  }
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'dashboard-params-1400.png') });
  await page.close();
});
