// The dashboard in a real browser (Debian chromium): both output-repository layouts, live updates,
// progress, the notebook viewer, XSS isolation, no secrets in the API, the Host check.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CommitMachine, Machine, MachineState } from '../../src/core/model.js';
import { BrowserDashboard, type StartedDashboard } from '../helpers/browser-dashboard.js';
import { commitMachine, devMachine } from '../helpers/machines.js';
import { FIXTURES, processingMetadata, progressNotebook, TestOutputRepo } from '../helpers/output-repo.js';

const SECRET_ENV = 'tok-SECRET-9f8e7d6c5b';
const SECRET_KEY = 'KEYMATERIAL-a1b2c3d4e5f6';
const RUNNING = '20250301_080000';
const XSS = '20250301_070000';
const PNG = JSON.parse(
  // The fixture's image, reused for the processing notebook.
  (await import('node:fs')).readFileSync(
    join(FIXTURES, 'output-original', '20241107_035340', 'exp001.ipynb'),
    'utf8',
  ),
).cells[2].outputs[0].data['image/png'] as string;

const bd = new BrowserDashboard('mymlops-dash-');
let repo: TestOutputRepo;
let browser: Browser;
let dash: StartedDashboard;
const machines: Machine[] = [];

function machine(commitId: string, state: MachineState): CommitMachine {
  return commitMachine({ name: `job-${commitId}`, commitId, state });
}

before(async () => {
  repo = new TestOutputRepo('master');
  bd.onClose(() => repo.cleanup());
  repo.addFixture('output-original');
  repo.addFixture('output-mymlops');
  repo.write({
    [`${RUNNING}/live.ipynb`]: progressNotebook(2, 5, PNG),
    [`${RUNNING}/metadata.json`]: processingMetadata('live.ipynb', 2, 5),
    [`${XSS}/x.ipynb`]: {
      cells: [
        {
          cell_type: 'markdown',
          metadata: {},
          source: '# Title <img src=x onerror="window.__pwned=3">\n[js](javascript:window.__pwned=4)',
        },
        {
          cell_type: 'code',
          execution_count: 1,
          metadata: {},
          source: 'display(HTML(...))',
          outputs: [
            // A notebook that printed a value from .env: the API redacts it.
            { output_type: 'stream', name: 'stdout', text: [`token=${SECRET_ENV}\n`] },
            {
              output_type: 'display_data',
              metadata: {},
              data: {
                'text/html': [
                  '<b id="rich">rich output</b><script>document.body.dataset.ran="1";try{window.top.__pwned=1}catch(e){document.body.dataset.blocked="1"}</script>',
                ],
                'text/plain': ['<HTML>'],
              },
            },
          ],
        },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    },
    [`${XSS}/metadata.json`]: {
      ...processingMetadata('x.ipynb', 1, 1, { status: 'succeeded' }),
      notes: '<img src=x onerror=alert(1)>',
    },
  });
  machines.push(machine(RUNNING, 'running'));
  const dir = bd.dir;
  mkdirSync(join(dir, 'keys'));
  writeFileSync(
    join(dir, 'keys', 'out_deploy_key'),
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET_KEY}\n-----END OPENSSH PRIVATE KEY-----\n`,
    { mode: 0o600 },
  );
  writeFileSync(join(dir, '.env'), `API_TOKEN=${SECRET_ENV}\n`);
  writeFileSync(
    join(dir, 'mymlops.yml'),
    [
      'backend: local',
      'commit:',
      '  command: env WANDB_API_KEY=${API_TOKEN} python run.py',
      '  repository:',
      `    url: ${join(dir, 'repo.git')}`,
      '  output_repository:',
      `    url: ${repo.bare}`,
      '    deploy_key: ./keys/out_deploy_key',
      'dashboard:',
      '  links:',
      '    Jupyter: http://localhost:8888/lab',
      '',
    ].join('\n'),
  );
  ({ browser, dash } = await bd.start(join(dir, 'mymlops.yml'), {
    overrides: {
      listMachines: async () => machines.map((m) => ({ ...m })),
      // What the tunnels module adds for dev VMs (issue 6): a tunnelled port per VM.
      decorateDevVms: (rows) =>
        rows.map((r) => ({
          ...r,
          ports: [{ remote: 8888, local: 18888, url: 'http://127.0.0.1:18888/', state: 'up' as const }],
        })),
    },
  }));
});

after(() => bd.close());

async function openPage(): Promise<{ page: Page; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(dash.url);
  await page.waitForSelector('.tr');
  return { page, dialogs };
}

const statusOf = (page: Page, id: string) => page.locator(`.tr[data-id="${id}"] .c-status`).innerText();

test('lists both layouts with their statuses, links, metrics and a running count in the title', async () => {
  const { page } = await openPage();
  const want: Record<string, string> = {
    '20241107_035340': 'succeeded',
    '20241108_101500': 'failed',
    '20241109_120000': 'succeeded',
    '20250101_090000': 'succeeded',
    '20250101_110000': 'failed',
    '20250101_120000': 'cancelled',
    [RUNNING]: 'processing',
  };
  for (const [id, status] of Object.entries(want)) assert.equal(await statusOf(page, id), status, id);
  assert.equal(await page.title(), '(1 running) mymlops');
  assert.equal(await page.locator('#links a').getAttribute('href'), 'http://localhost:8888/lab');
  const headers = await page.locator('.th').allInnerTexts();
  for (const h of [
    'Status',
    'Time',
    'Notebook',
    'Notes',
    'Progress',
    'Finished',
    'Duration',
    'Cost',
    'auc',
    'logloss',
  ])
    assert.ok(
      headers.some((x) => x.startsWith(h)),
      `${h} column`,
    );
  assert.equal(await page.locator(`.tr[data-id="${RUNNING}"] .bar`).innerText(), '2/5');
  assert.equal(
    await page
      .locator('#devvms')
      .innerText()
      .then((t) => t.includes('No dev VM running')),
    true,
  );
  // Filter and sort.
  await page.fill('#filter', 'division');
  assert.deepEqual(
    (await page.locator('.tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).sort(),
    ['20241108_101500', '20250101_110000'],
  );
  await page.fill('#filter', '');
  await page.click('.th[data-key="m:auc"]');
  const first = await page.locator('.tr').first().getAttribute('data-id');
  assert.equal(first, '20250101_090000', 'highest auc first');
  await page.close();
});

test('the page has its icon: the link resolves to an SVG image the browser can draw', async () => {
  const { page } = await openPage();
  const icon = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';
    const r = await fetch(href);
    const img = new Image();
    img.src = href;
    await img.decode();
    return { status: r.status, type: r.headers.get('content-type'), width: img.naturalWidth };
  });
  assert.equal(icon.status, 200);
  assert.match(icon.type ?? '', /^image\/svg\+xml/);
  assert.ok(icon.width > 0, 'the icon decodes as an image');
  await page.close();
});

test('a processing commit opens in the viewer with its image; a new commit appears without reload', async () => {
  const { page } = await openPage();
  await page.click(`.tr[data-id="${RUNNING}"] .nb-open`);
  const img = page.locator('.viewer .nb img.out');
  await img.waitFor();
  assert.ok(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 40));
  assert.match(await page.locator('.viewer-title').innerText(), /processing.*2\/5 cells/s);
  await page.keyboard.press('Escape');
  // A mark on this document: still there at the end means the page was updated, never reloaded.
  await page.evaluate(() => {
    document.documentElement.dataset['testMark'] = 'same page';
  });
  // Progress, then the final push and the machine going away, then a brand-new commit.
  repo.write({ [`${RUNNING}/metadata.json`]: processingMetadata('live.ipynb', 4, 5) });
  await page.waitForFunction(
    (id) => document.querySelector(`.tr[data-id="${id}"] .bar`)?.textContent === '4/5',
    RUNNING,
    { timeout: 20_000 },
  );
  const NEW = '20250302_000000';
  repo.write({
    [`${NEW}/new.ipynb`]: progressNotebook(1, 1),
    [`${NEW}/metadata.json`]: processingMetadata('new.ipynb', 1, 1, { status: 'failed' }),
  });
  await page.waitForSelector(`.tr[data-id="${NEW}"]`, { timeout: 20_000 });
  assert.equal(await statusOf(page, NEW), 'failed');
  assert.equal(await page.evaluate(() => document.documentElement.dataset['testMark']), 'same page');
  await page.close();
});

test('notes and notebook outputs never run script in the dashboard origin', async () => {
  const { page, dialogs } = await openPage();
  const notes = page.locator(`.tr[data-id="${XSS}"] .notes`);
  assert.equal(await notes.innerText(), '<img src=x onerror=alert(1)>');
  await page.click(`.tr[data-id="${XSS}"] .nb-open`);
  const frame = page.locator('iframe.out.html');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts');
  // The output's script does run — inside its opaque-origin frame, where touching the page fails.
  const inner = await (await frame.elementHandle())!.contentFrame();
  assert.ok(inner);
  await inner.waitForFunction(() => document.body?.dataset['ran'] === '1');
  assert.match(inner.url(), new RegExp(`/api/commits/${XSS}/outputs/1/1$`));
  // The frame reports its height (a number is all the page accepts from it) and is fitted.
  await page.waitForFunction(() =>
    /^\d+px$/.test(document.querySelector<HTMLIFrameElement>('iframe.out.html')?.style.height ?? ''),
  );
  assert.equal(await inner.evaluate(() => document.body.dataset['blocked']), '1');
  assert.equal(await inner.evaluate(() => origin), 'null');
  // Markdown's HTML goes through DOMPurify: the image stays without its handler, and a
  // javascript: link is left as its text.
  const mdImg = page.locator('.viewer .md-cell img');
  assert.equal(await mdImg.count(), 1);
  assert.equal(await mdImg.getAttribute('onerror'), null);
  assert.equal(await page.locator('.viewer .md-cell a').count(), 0);
  assert.match(await page.locator('.viewer .md-cell').first().innerText(), /\bjs\b/);
  // An image the test adds with the same broken src has failed to load by now, so the sanitised
  // one's handler, had it survived, would already have run.
  await page.evaluate(
    () =>
      new Promise((done) => {
        const img = new Image();
        img.onerror = done;
        img.src = 'x';
      }),
  );
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.deepEqual(dialogs, []);
  await page.close();
});

function get(path: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(dash.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

test('API responses hold no secret; a foreign Host header is refused', async () => {
  const host = new URL(dash.url).host;
  const port = new URL(dash.url).port;
  const bodies: string[] = [];
  for (const path of [
    '/',
    '/app.js',
    '/api/status',
    `/api/commits/${RUNNING}/notebook`,
    `/api/commits/${XSS}/outputs/1/1`,
    `/api/commits/${XSS}/notebook`,
    '/api/commits/20250101_090000/log',
  ]) {
    const r = await get(path, host);
    assert.equal(r.status, 200, path);
    bodies.push(r.body);
  }
  assert.match(bodies[5]!, /token=\*\*\*/, 'the printed secret is redacted, the output kept');
  for (const b of bodies) {
    assert.ok(!b.includes(SECRET_ENV), 'no .env value');
    assert.ok(!b.includes(SECRET_KEY), 'no deploy key contents');
    assert.ok(!b.includes('out_deploy_key'), 'no deploy key path');
    assert.ok(!b.includes('WANDB_API_KEY'), 'no config');
  }
  assert.equal((await get('/api/status', `localhost:${port}`)).status, 200);
  for (const h of [
    `evil.example:${port}`,
    'evil.example',
    `127.0.0.1.nip.io:${port}`,
    `127.0.0.1:${Number(port) + 1}`,
  ]) {
    const r = await get('/api/status', h);
    assert.equal(r.status, 403, h);
    assert.ok(!r.body.includes('20241107_035340'));
  }
});

test('a request no route takes: 404 for an unknown path, 405 naming GET and HEAD for another method', async () => {
  const at = (path: string) => new URL(path, dash.url);
  assert.equal((await fetch(at('/api/nothing-here'))).status, 404);
  assert.equal((await fetch(at('/nothing-here.js'))).status, 404);
  assert.equal((await fetch(at('/api/status'), { method: 'HEAD' })).status, 200);
  const del = await fetch(at('/api/status'), { method: 'DELETE' });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get('allow'), 'GET, HEAD');
  assert.equal(await del.text(), 'method not allowed\n');
});

test('polling pauses while the tab is hidden', async () => {
  // The page's timers run on a clock the test moves: a minute passes in an instant, and the same
  // clock that shows no poll while hidden shows one while visible.
  const page = await browser.newPage();
  await page.clock.install();
  let polls = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/status') polls++;
  });
  const nextPoll = () => page.waitForRequest((r) => new URL(r.url()).pathname === '/api/status');
  await page.goto(dash.url);
  await page.waitForSelector('.tr');
  await page.clock.pauseAt(Date.now() + 1000);
  const setHidden = (v: boolean) =>
    page.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get() { return ${v}; } });
      document.dispatchEvent(new Event('visibilitychange'));`);
  const visible = nextPoll();
  await page.clock.runFor(3000);
  await visible;
  await setHidden(true);
  const before = polls;
  await page.clock.runFor(60_000);
  // A round trip through the page: anything the timers started has been sent by now.
  await page.evaluate(() => fetch('/').then((r) => r.text()));
  assert.equal(polls, before, 'no poll while hidden');
  const back = nextPoll();
  await setHidden(false);
  await back;
  await page.close();
});

test('dev VMs appear with idle countdown, port links and copyable commands', async () => {
  const { page } = await openPage();
  machines.push(
    devMachine({
      name: 'mymlops-dev-1',
      zone: 'us-central1-a',
      sshTarget: 'root@127.0.0.1',
      idle: { idle_seconds: 600, stops_in_seconds: 3000, updated_at: new Date().toISOString() },
    }),
  );
  const row = page.locator('tr[data-vm="mymlops-dev-1"]');
  await row.waitFor({ timeout: 20_000 });
  const text = await row.innerText();
  assert.match(text, /us-central1-a/);
  assert.match(text, /idle 10m00s, stops in 50m00s/);
  assert.equal(await row.locator('a.port').getAttribute('href'), 'http://127.0.0.1:18888/');
  assert.match(await row.locator('.cmd code').first().innerText(), /^ssh -t root@127\.0\.0\.1 /);
  assert.equal(await row.locator('.cmd code').nth(1).innerText(), 'mymlops logs mymlops-dev-1');
  assert.equal(await row.locator('button.copy').count(), 2);
  machines.pop();
  await page.close();
});

test('opt-in notification when a running commit finishes', async () => {
  const ctx = await browser.newContext();
  await ctx.grantPermissions(['notifications'], { origin: new URL(dash.url).origin });
  // A string, not a function: the test runner's transpiler would inject helpers the page lacks.
  await ctx.addInitScript(`
    window.__notes = [];
    window.Notification = class {
      static permission = 'granted';
      static async requestPermission() { return 'granted'; }
      constructor(title) { window.__notes.push(title); this.onclick = null; }
    };
  `);
  const page = await ctx.newPage();
  await page.goto(dash.url);
  await page.waitForSelector(`.tr[data-id="${RUNNING}"]`);
  await page.click('#notify');
  assert.match(await page.locator('#notify').innerText(), /Notifications on/);
  repo.write({
    [`${RUNNING}/metadata.json`]: processingMetadata('live.ipynb', 5, 5, { status: 'succeeded' }),
  });
  machines.splice(0, machines.length);
  await page.waitForFunction(() => (window as unknown as { __notes: string[] }).__notes.length > 0, null, {
    timeout: 20_000,
  });
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes), [
    '✓ live.ipynb succeeded',
  ]);
  assert.equal(await page.title(), 'mymlops');
  await ctx.close();
});
