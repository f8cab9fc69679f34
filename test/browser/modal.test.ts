// The dashboard's two dialogs, the notebook viewer and the compare view, behave as one (they share
// src/dashboard/web/modal.ts), in a real browser (Debian chromium): focus moves into the dialog and
// goes back to the button that opened it whether Escape, the Close button or a click on the backdrop
// closes it; a click on the panel does not; with the viewer opened over the compare view, Escape
// closes only the viewer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ApiCommit } from '../../src/dashboard/server/api.js';
import { BrowserDashboard } from '../helpers/browser-dashboard.js';
import { CMP_A, CMP_B, type CompareFixture, compareFixture } from '../helpers/compare-fixture.js';

const bd = new BrowserDashboard('mymlops-modal-');
let fx: CompareFixture;

before(async () => {
  fx = compareFixture(bd.dir);
  bd.onClose(() => fx.repo.cleanup());
  await bd.start(fx.config);
});

after(() => bd.close());

interface Kind {
  name: string;
  /** The button that opens it. */
  opener: string;
  /** Its panel once open. */
  panel: string;
  /** Makes the opener usable (ticks two commits for Compare). */
  prepare(page: Page): Promise<void>;
}

const KINDS: Kind[] = [
  {
    name: 'the notebook viewer',
    opener: `.tr[data-id="${CMP_A}"] .nb-open`,
    panel: `.viewer[aria-label="notebook ${CMP_A}"]`,
    prepare: async () => {},
  },
  {
    name: 'the compare view',
    opener: '#compare',
    panel: '.viewer.compare[aria-label="compare 2 commits"]',
    prepare: async (page) => {
      await page.check(`.tr[data-id="${CMP_A}"] input.select`);
      await page.check(`.tr[data-id="${CMP_B}"] input.select`);
    },
  },
];

const openPage = async (): Promise<Page> => (await bd.openPage(`.tr[data-id="${CMP_A}"]`)).page;

/** The focused element's classes, or its id, for messages. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join('.')}` : 'nothing';
  });

/** Opens the dialog with a click on its opener; it is shown with focus in its body. */
async function open(page: Page, k: Kind): Promise<void> {
  await page.click(k.opener);
  const panel = page.locator(k.panel);
  await panel.waitFor();
  assert.equal(await panel.getAttribute('role'), 'dialog');
  assert.equal(await panel.getAttribute('aria-modal'), 'true');
  assert.ok(
    await panel.evaluate((p) => p.contains(document.activeElement)),
    `focus is in ${k.name}, not on ${await focused(page)}`,
  );
  assert.ok(
    await page.evaluate(() => document.activeElement?.classList.contains('viewer-body')),
    'the scrolling body has focus, so the keyboard scrolls it',
  );
}

/** The dialog left the page and focus is back on the button that opened it. */
async function assertClosed(page: Page, k: Kind, how: string): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.overlay') === null);
  assert.ok(
    await page.locator(k.opener).evaluate((b) => b === document.activeElement),
    `${how}: focus returns to the opener, not ${await focused(page)}`,
  );
}

for (const k of KINDS) {
  test(`${k.name}: Escape, the Close button and the backdrop close it; focus returns to the opener`, async () => {
    const page = await openPage();
    await k.prepare(page);

    await open(page, k);
    await page.keyboard.press('Escape');
    await assertClosed(page, k, 'Escape');

    await open(page, k);
    // A click inside the panel is not a click on the backdrop.
    await page.locator(`${k.panel} .viewer-title`).click();
    assert.equal(await page.locator(k.panel).count(), 1, 'a click on the panel leaves it open');
    await page.locator(`${k.panel} button.close`).click();
    await assertClosed(page, k, 'the Close button');

    await open(page, k);
    // The backdrop: halfway between the window's left edge and the centred panel.
    const box = (await page.locator(k.panel).boundingBox())!;
    assert.ok(box.x >= 2, 'the backdrop shows left of the panel');
    await page.mouse.click(box.x / 2, box.y + box.height / 2);
    await assertClosed(page, k, 'the backdrop');
    await page.close();
  });
}

test('the viewer keeps its address while open (#commit=ID) and clears it when closed', async () => {
  const page = await openPage();
  await open(page, KINDS[0]!);
  assert.equal(new URL(page.url()).hash, `#commit=${CMP_A}`);
  await page.keyboard.press('Escape');
  await assertClosed(page, KINDS[0]!, 'Escape');
  assert.equal(new URL(page.url()).hash, '');
  await page.close();
});

test('with the viewer opened over the compare view, Escape closes the top one first', async () => {
  const page = await openPage();
  const cmp = KINDS[1]!;
  await cmp.prepare(page);
  await open(page, cmp);
  // The page opens one dialog at a time: open the viewer over it as the page's own code does.
  await page.evaluate(async (id) => {
    const status = (await (await fetch('/api/status')).json()) as { commits: ApiCommit[] };
    const { openViewer } = (await import(
      '/viewer.js' as string
    )) as typeof import('../../src/dashboard/web/viewer.js');
    openViewer(status.commits.find((c) => c.id === id)!, () => {});
  }, CMP_B);
  await page.locator(`.viewer[aria-label="notebook ${CMP_B}"]`).waitFor();
  assert.equal(await page.locator('.overlay').count(), 2);

  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelectorAll('.overlay').length === 1);
  assert.equal(await page.locator(cmp.panel).count(), 1, 'the compare view stays open');
  assert.ok(
    await page.locator(`${cmp.panel} .viewer-body`).evaluate((b) => b === document.activeElement),
    `focus returns to the compare view, not ${await focused(page)}`,
  );
  await page.keyboard.press('Escape');
  await assertClosed(page, cmp, 'the second Escape');
  await page.close();
});
