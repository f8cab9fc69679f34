// Sweeps and parameters in a real browser (Debian chromium): a group of 6 runs is one header row
// that expands and collapses (remembered across reloads), its runs show their lr/seed columns,
// "Compare group" opens the compare view with every run's parameters (a group larger than the
// compare route's limit compares the first ones and says so), the chart plots a metric against lr
// and a click on a point opens that run; parameters named after Object's own members break no row;
// at 800 px parameter columns wait behind the column picker. None of this loads the viewer, compare
// or chart scripts on the first render.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ApiStatus } from '../../src/dashboard/server/api.js';
import { BrowserDashboard, type StartedDashboard } from '../helpers/browser-dashboard.js';
import {
  BIG_RUNS,
  BIG_SWEEP,
  ODD,
  PLAIN,
  SWEEP,
  SWEEP_RUNS,
  type SweepFixture,
  sweepFixture,
} from '../helpers/sweep-fixture.js';

const SHOTS = process.env['MYMLOPS_SCREENSHOT_DIR'];

const bd = new BrowserDashboard('mymlops-sweep-');
let fx: SweepFixture;
let dash: StartedDashboard;

before(async () => {
  fx = sweepFixture(bd.dir);
  bd.onClose(() => fx.repo.cleanup());
  ({ dash } = await bd.start(fx.config, { home: fx.home }));
});

after(() => bd.close());

/** A page in its own context (its own localStorage), the table rendered. */
const openPage = (width?: number) => bd.openPage(`.group-row[data-group="${SWEEP}"]`, width);

const head = (page: Page, g = SWEEP) => page.locator(`.group-row[data-group="${g}"]`);
const runRow = (page: Page, id: string) => page.locator(`.tr[data-id="${id}"]`);

test('a sweep is one header row that expands and collapses, remembered across reloads', async () => {
  const { page, ctx, urls } = await openPage();
  await page.waitForLoadState('networkidle');
  assert.deepEqual(
    urls.filter((u) => /^\/(viewer|compare|chart)\.(js|css)$/.test(u)),
    [],
    'the first render loads neither the viewer, the compare view nor the chart',
  );
  const text = await head(page).innerText();
  assert.match(text, new RegExp(SWEEP));
  assert.match(text, /train\.ipynb/);
  assert.match(text, /6 runs/);
  assert.match(text, /4 succeeded, 1 queued, 1 failed/);
  // The highest score is run 4's (0.78); a score goes up.
  assert.match(text, /best score 0\.78/);
  for (const r of SWEEP_RUNS) assert.equal(await runRow(page, r.id).count(), 0, `${r.id} collapsed`);
  assert.equal(await runRow(page, PLAIN).count(), 1, 'an ungrouped commit is a row of its own');

  await head(page).locator('.group-toggle').click();
  for (const r of SWEEP_RUNS) await runRow(page, r.id).waitFor();
  assert.equal(await head(page).locator('.group-toggle').getAttribute('aria-expanded'), 'true');
  // Its runs come right after the header, in the table's order (newest first).
  const order = await page
    .locator('.rows > .tr')
    .evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-id') ?? `group:${r.getAttribute('data-group')}`),
    );
  const at = order.indexOf(`group:${SWEEP}`);
  assert.deepEqual(order.slice(at + 1, at + 7), SWEEP_RUNS.map((r) => r.id).reverse());
  // The queued run has a badge of its own: outlined, not the default grey.
  const queued = runRow(page, SWEEP_RUNS[5]!.id).locator('.badge.s-queued');
  assert.equal(await queued.innerText(), 'queued');
  assert.equal(await queued.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgba(0, 0, 0, 0)');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'sweep-1400.png') });

  await page.reload();
  await runRow(page, SWEEP_RUNS[0]!.id).waitFor();
  assert.equal(await head(page, BIG_SWEEP).locator('.group-toggle').getAttribute('aria-expanded'), 'false');
  await head(page).locator('.group-toggle').click();
  await runRow(page, SWEEP_RUNS[0]!.id).waitFor({ state: 'detached' });
  for (const r of SWEEP_RUNS) assert.equal(await runRow(page, r.id).count(), 0);
  await page.reload();
  await head(page).waitFor();
  assert.equal(await runRow(page, SWEEP_RUNS[0]!.id).count(), 0, 'collapsed is remembered too');
  await ctx.close();
});

test('parameter columns show each run its values; odd parameter names break no row', async () => {
  const { page, ctx } = await openPage();
  await head(page).locator('.group-toggle').click();
  await head(page, BIG_SWEEP).locator('.group-toggle').click();
  for (const k of ['p:lr', 'p:seed', 'p:valueOf', 'p:__proto__', 'p:constructor', 'p:depth'])
    assert.equal(await page.locator(`.th[data-key="${k}"]`).count(), 1, `a ${k} column`);
  for (const r of SWEEP_RUNS) {
    const row = runRow(page, r.id);
    assert.equal(await row.locator(`.c-param span[title="lr=${r.lr}"]`).innerText(), String(r.lr));
    assert.equal(await row.locator(`.c-param span[title="seed=${r.seed}"]`).innerText(), String(r.seed));
  }
  const odd = runRow(page, ODD);
  assert.equal(await odd.locator('.c-param span[title="valueOf=3"]').innerText(), '3');
  assert.equal(await odd.locator('.c-param span[title="__proto__=p"]').innerText(), 'p');
  assert.equal(await odd.locator('.c-param span[title="toString=[1]"]').innerText(), '[1]');
  // Every commit is a row (both groups expanded), each once.
  const api = (await (await fetch(`${dash.url}api/status`)).json()) as ApiStatus;
  const ids = await page
    .locator('.rows > .tr[data-id]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  assert.deepEqual([...ids].sort(), api.commits.map((c) => c.id).sort());
  assert.equal(api.commits.length, 6 + 9 + 2);
  // The filter finds runs by `name=value`.
  await page.fill('#filter', 'seed=2');
  await page.waitForFunction(() => document.querySelectorAll('.rows > .tr[data-id]').length === 2);
  assert.deepEqual(
    (
      await page.locator('.rows > .tr[data-id]').evaluateAll((r) => r.map((x) => x.getAttribute('data-id')))
    ).sort(),
    SWEEP_RUNS.filter((r) => r.seed === 2).map((r) => r.id),
  );
  await ctx.close();
});

test('at 800 px parameter columns are behind the column picker', async () => {
  const { page, ctx } = await openPage(800);
  assert.equal(await page.locator('.th[data-key="p:lr"]').count(), 0);
  await page.click('.column-picker summary');
  const box = page.locator('.picker-panel input[data-key="p:lr"]');
  assert.equal(await box.isChecked(), false);
  await box.check();
  await page.locator('.th[data-key="p:lr"]').waitFor();
  await head(page).locator('.group-toggle').click();
  assert.equal(await runRow(page, SWEEP_RUNS[3]!.id).locator('.c-param').innerText(), '0.0003');
  await ctx.close();
});

test('"Compare group" opens the compare view with every run and its parameters', async () => {
  const { page, ctx, urls } = await openPage();
  await head(page).locator('.group-compare').click();
  const view = page.locator('.viewer.compare[aria-label="compare 6 commits"]');
  await view.locator('.cmp-meta').waitFor();
  assert.ok(urls.includes('/compare.js'));
  const params = view.locator('.cmp-meta tr', { hasText: 'Parameters' }).locator('td');
  assert.deepEqual(
    await params.allInnerTexts(),
    SWEEP_RUNS.map((r) => `lr=${r.lr}, seed=${r.seed}`),
    'oldest first, each with its values',
  );
  assert.equal(await view.locator('.cmp-note').count(), 0, 'nothing left out');
  await view.locator('button.close').click();

  // 9 runs: the first 8 (the route's limit), and the view says so.
  await head(page, BIG_SWEEP).locator('.group-compare').click();
  const big = page.locator('.viewer.compare[aria-label="compare 8 commits"]');
  await big.locator('.cmp-meta').waitFor();
  assert.match(await big.locator('.cmp-note').innerText(), /9 runs: comparing the first 8/);
  assert.deepEqual(
    await big.locator('.cmp-meta tr', { hasText: 'Parameters' }).locator('td').allInnerTexts(),
    BIG_RUNS.slice(0, 8).map((_, i) => `depth=${i}`),
  );
  await ctx.close();
});

test('the chart plots a metric against lr, and a click on a point opens that run', async () => {
  const { page, ctx } = await openPage();
  await page.fill('#filter', SWEEP);
  await page.click('#chart-toggle');
  await page.locator('.metric-chart[data-metric="score"]').waitFor();
  await page.selectOption('select.chart-x', 'p:lr');
  const chart = page.locator('.metric-chart[data-metric="score"]');
  // Time is seconds since 1970; lr values are below 1: the plot was redrawn against lr.
  await page.waitForFunction(() => {
    const el = document.querySelector('.metric-chart[data-metric="score"]') as
      | (Element & { uplot?: { data: number[][] } })
      | null;
    return el?.uplot !== undefined && el.uplot.data[0]!.every((x) => x < 1);
  });
  const finished = SWEEP_RUNS.filter((r) => r.score !== null);
  assert.equal(await chart.getAttribute('data-points'), String(finished.length));
  type Plot = { data: number[][] };
  const data = await chart.evaluate((el) => (el as unknown as { uplot: Plot }).uplot.data);
  // x ascending (uPlot's order), the runs with the same lr oldest first.
  const expected = [...finished].sort((a, b) => a.lr - b.lr);
  assert.deepEqual(
    data[0],
    expected.map((r) => r.lr),
  );
  assert.deepEqual(
    data[1],
    expected.map((r) => r.score),
  );

  // Run 1 (lr 0.001, seed 1): click where uPlot draws its point.
  const target = SWEEP_RUNS[1]!;
  const pos = await chart.evaluate(
    (el, t) => {
      const u = (
        el as unknown as { uplot: { valToPos: (v: number, s: string) => number; over: HTMLElement } }
      ).uplot;
      const r = u.over.getBoundingClientRect();
      return { x: r.left + u.valToPos(t.lr, 'x'), y: r.top + u.valToPos(t.score, 'y') };
    },
    { lr: target.lr, score: target.score! },
  );
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'sweep-chart-lr.png') });
  await page.mouse.move(pos.x, pos.y);
  await page.mouse.click(pos.x, pos.y);
  await page.locator(`.viewer[aria-label="notebook ${target.id}"]`).waitFor();
  await ctx.close();
});
