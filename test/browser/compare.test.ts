// Comparing commits and the metric chart in a real browser (Debian chromium): two ticked commits
// show their metric deltas with the best marked, the notebook's source diff with both runs'
// outputs, and the code diff of their snapshots read from a real code repository; the chart plots
// a metric over 20 commits, follows the table's filter, and a click on a point opens the commit.
// Neither script is loaded by the table's first render.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BrowserDashboard, type StartedDashboard } from '../helpers/browser-dashboard.js';
import { CMP_A, CMP_B, type CompareFixture, compareFixture } from '../helpers/compare-fixture.js';

const SHOTS = process.env['MYMLOPS_SCREENSHOT_DIR'];
/** 20 commits a day apart with a `score` metric; odd days say so in their notes. */
const CHART_IDS = Array.from({ length: 20 }, (_, i) => `202504${String(i + 1).padStart(2, '0')}_120000`);

const bd = new BrowserDashboard('mymlops-compare-');
let fx: CompareFixture;
let dash: StartedDashboard;

before(async () => {
  fx = compareFixture(bd.dir);
  bd.onClose(() => fx.repo.cleanup());
  const files: Record<string, object> = {};
  CHART_IDS.forEach((id, i) => {
    files[`${id}/metadata.json`] = {
      accelerator: null,
      artifacts: true,
      branch: 'master',
      commit: id,
      notebook: 'train.ipynb',
      notes: `chartrun ${i % 2 ? 'odd' : 'even'} ${i}`,
      repository: fx.codeBare,
      status: 'succeeded',
    };
    files[`${id}/artifacts/metrics.json`] = { score: 0.5 + i / 40 };
    // A result is a folder with its notebook.
    files[`${id}/train.ipynb`] = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  });
  fx.repo.write(files);
  ({ dash } = await bd.start(fx.config));
});

after(() => bd.close());

const openPage = (width?: number) => bd.openPage(`.tr[data-id="${CMP_A}"]`, width);

test('comparing two commits: metadata, metric deltas with the best, notebook diff, code diff', async () => {
  const { page, urls } = await openPage();
  await page.waitForLoadState('networkidle');
  assert.deepEqual(
    urls.filter((u) => /^\/(compare|chart)\.(js|css)$/.test(u)),
    [],
    'the first render loads neither the compare view nor the chart',
  );
  assert.equal(await page.locator('#compare').isHidden(), true);
  await page.check(`.tr[data-id="${CMP_B}"] input.select`);
  await page.check(`.tr[data-id="${CMP_A}"] input.select`);
  await page.click('#compare');
  const view = page.locator('.viewer.compare');
  await view.locator('.cmp-code, .cmp-code-note').first().waitFor();
  assert.ok(urls.includes('/compare.js'));

  const meta = await view.locator('.cmp-meta').innerText();
  for (const s of [
    'baseline lr=0.1',
    'lr=0.05 better features',
    'nb/train.ipynb',
    'us-central1-a',
    'europe-west4-b',
    'n1-standard-8',
    '10m00s',
  ])
    assert.ok(meta.includes(s), `metadata shows ${s}`);
  assert.ok(meta.includes(fx.shas[CMP_A]!.slice(0, 12)), 'snapshot sha of A');

  const auc = view.locator('.cmp-metrics tr[data-metric="auc"] td');
  assert.deepEqual(await auc.evaluateAll((tds) => tds.map((t) => t.classList.contains('best'))), [
    false,
    true,
  ]);
  assert.match(await auc.nth(1).innerText(), /^0\.9\S* \+0\.1\s*★$/);
  const loss = view.locator('.cmp-metrics tr[data-metric="val_loss"] td');
  assert.deepEqual(await loss.evaluateAll((tds) => tds.map((t) => t.classList.contains('best'))), [
    false,
    true,
  ]);
  assert.match(await loss.nth(1).innerText(), /−0\.1/);
  assert.equal(await loss.nth(1).locator('.delta.better').count(), 1, 'a lower loss is better');

  const modified = view.locator('.cmp-cell.k-modified');
  assert.equal(await modified.count(), 1);
  assert.deepEqual(await modified.locator('.dl-del').allInnerTexts(), ['-lr = 0.1']);
  assert.deepEqual(await modified.locator('.dl-add').allInnerTexts(), ['+lr = 0.05']);
  assert.deepEqual(await view.locator('.cmp-cell.k-added .dl-add').allInnerTexts(), [
    '+Lower learning rate this time.',
  ]);
  // The last code cell is unchanged in source, but both runs' outputs sit side by side, images too.
  const side = view.locator('.cmp-cell.k-unchanged .cmp-side').last();
  assert.equal(await side.locator('.cmp-outputs').count(), 2);
  assert.equal(await side.locator('img.out.image').count(), 2);
  assert.match(await side.locator('.cmp-outputs').nth(0).innerText(), /auc for lr 0\.1/);
  assert.match(await side.locator('.cmp-outputs').nth(1).innerText(), /auc for lr 0\.05/);

  const code = await view.locator('pre.cmp-code').innerText();
  assert.match(code, /^diff --git a\/src\/model\.py b\/src\/model\.py$/m);
  assert.match(code, /^- {4}return 0\.8$/m);
  assert.match(code, /^\+ {4}return 0\.9 {2}# better features$/m);
  assert.doesNotMatch(code, /train\.ipynb/, 'the notebook is left out of the code diff');
  if (SHOTS) {
    await page.screenshot({ path: join(SHOTS, 'compare-1400.png') });
    await view.locator('.cmp-body').evaluate((b) => b.scrollTo(0, b.scrollHeight));
    await page.screenshot({ path: join(SHOTS, 'compare-1400-diffs.png') });
  }
  await page.close();
});

test('at 800 px the compare view fits: outputs side by side, no horizontal scroll', async () => {
  const { page } = await openPage(800);
  await page.check(`.tr[data-id="${CMP_A}"] input.select`);
  await page.check(`.tr[data-id="${CMP_B}"] input.select`);
  await page.click('#compare');
  const body = page.locator('.viewer.compare .cmp-body');
  await body.locator('pre.cmp-code').waitFor();
  assert.ok(await body.evaluate((b) => b.scrollWidth <= b.clientWidth + 1), 'no horizontal scroll');
  if (SHOTS) {
    await body.evaluate((b) => b.scrollTo(0, b.scrollHeight / 2));
    await page.screenshot({ path: join(SHOTS, 'compare-800.png') });
  }
  await page.close();
});

test('the compare route keeps to commit ids and the Host check', async () => {
  const base = dash.url;
  const bad = await fetch(`${base}api/compare?ids=${CMP_A},../etc`);
  assert.equal(bad.status, 400);
  const one = await fetch(`${base}api/compare?ids=${CMP_A}`);
  assert.equal(one.status, 400);
  const unknown = await fetch(`${base}api/compare?ids=${CMP_A},20000101_000000`);
  assert.equal(unknown.status, 404);
  const { request } = await import('node:http');
  const status = await new Promise<number>((resolve, reject) => {
    const u = new URL(`${base}api/compare?ids=${CMP_A},${CMP_B}`);
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { Host: 'evil.example:80' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 403);
});

test('the metric chart plots a metric over 20 commits, follows the filter, and a click opens a commit', async () => {
  const { page, urls } = await openPage();
  await page.fill('#filter', 'chartrun');
  await page.click('#chart-toggle');
  const chart = page.locator('.metric-chart[data-metric="score"]');
  await chart.waitFor();
  assert.ok(urls.includes('/chart.js'));
  assert.equal(await chart.getAttribute('data-points'), '20');
  // The compare commits' metrics are filtered out along with them.
  assert.equal(await page.locator('.metric-chart[data-metric="auc"]').count(), 0);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'chart-1400.png') });

  await page.fill('#filter', 'chartrun odd');
  await page.waitForFunction(
    () => document.querySelector('.metric-chart[data-metric="score"]')?.getAttribute('data-points') === '10',
  );
  await page.fill('#filter', 'chartrun');
  await page.waitForFunction(
    () => document.querySelector('.metric-chart[data-metric="score"]')?.getAttribute('data-points') === '20',
  );
  // x is time from the first commit to the last, a day apart: point 7 is 7/19 of the way.
  const over = page.locator('.metric-chart[data-metric="score"] .u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + (box.width * 7) / 19, box.y + box.height / 2);
  await page.mouse.click(box.x + (box.width * 7) / 19, box.y + box.height / 2);
  await page.locator(`.viewer[aria-label="notebook ${CHART_IDS[7]}"]`).waitFor();
  await page.close();
});
