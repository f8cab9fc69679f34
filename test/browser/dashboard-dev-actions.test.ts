// The dashboard's stop / resume buttons on a real local dev machine, in chromium; and the guard of
// its only mutating route: a foreign Origin, a cross-site page, a missing token or a foreign Host
// are refused (403) and change nothing.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { LocalBackend } from '../../src/adapters/backends/local/local.js';
import { withDevVms } from '../../src/app/dev/status.js';
import { startDevMachine } from '../../src/core/devvm/start.js';
import { BrowserDashboard, type StartedDashboard } from '../helpers/browser-dashboard.js';
import { bareRepo, git, userRepo } from '../helpers/git-repo.js';
import { TestOutputRepo } from '../helpers/output-repo.js';
import { freePort, portAccepts } from '../helpers/sshd.js';
import { waitFor } from '../helpers/wait.js';
import { readStartScript } from '../../src/adapters/assets.js';

const bd = new BrowserDashboard('mymlops-dash-dev-');
const dir = bd.dir;
const home = bd.home;
let browser: Browser;
let dash: StartedDashboard;
let evil: Server;
let evilUrl = '';
let port = 0;

function post(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const u = new URL(dash.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  port = await freePort();
  const origin = join(dir, 'origin.git');
  const work = join(dir, 'work');
  bareRepo(origin);
  userRepo(work);
  git(work, 'push', '-q', origin, 'master');
  const out = new TestOutputRepo('master');
  writeFileSync(join(dir, 'stat'), 'cpu 100 0 100 1000 0 0 0 0 0 0\n');
  writeFileSync(
    join(dir, 'mymlops.yml'),
    `backend: local
commit:
  command: "true"
  repository: {url: ${JSON.stringify(origin)}}
  output_repository: {url: ${JSON.stringify(out.bare)}}
start:
  command: /usr/bin/python3 -m http.server ${port} --bind 127.0.0.1
  repository: {url: ${JSON.stringify(origin)}}
  idle_shutdown: {timeout: 10m}
`,
  );
  const cfg = bd.config(join(dir, 'mymlops.yml'));
  const backend = new LocalBackend(home);
  await startDevMachine(
    cfg,
    { name: 'devbtn', dryRun: false },
    {
      now: () => new Date(),
      backend: () => backend,
      checkKey: () => {},
      sshOptions: [],
      startScript: readStartScript,
    },
  );
  await waitFor(() => portAccepts(port), { what: 'the dev machine to serve' });
  ({ browser, dash } = await bd.start(cfg, { wrapSources: (s) => withDevVms(s, cfg, home) }));
  // Another site on this machine whose page tries the dashboard's route.
  evil = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>evil</title>');
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}/`;
});

bd.onClose(() => {
  evil?.close();
  const pidFile = join(home, 'dev', 'devbtn', 'pid');
  for (const f of [pidFile, join(home, 'dev', 'devbtn', 'command.pid')])
    if (existsSync(f))
      try {
        process.kill(-Number(readFileSync(f, 'utf8')), 'SIGKILL');
      } catch {}
});
after(() => bd.close());

test('foreign Origin, cross-site page, missing token and foreign Host are refused', async () => {
  const host = new URL(dash.url).host;
  const route = '/api/dev/devbtn/stop';
  const foreign = await post(route, { Host: host, Origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  assert.match(foreign.body, /Origin/);
  const noToken = await post(route, { Host: host, Origin: `http://${host}` });
  assert.equal(noToken.status, 403);
  assert.match(noToken.body, /token/);
  const wrongHost = await post(route, { Host: 'attacker.example:80', Origin: 'http://attacker.example:80' });
  assert.equal(wrongHost.status, 403);

  // A real cross-site request in chromium: another origin's page posts a form to the route; the
  // browser shows the dashboard's answer, the refusal.
  const page = await browser.newPage();
  await page.goto(evilUrl);
  await page.evaluate((url) => {
    const f = document.createElement('form');
    f.method = 'POST';
    f.action = url;
    document.body.appendChild(f);
    f.submit();
  }, `${dash.url}api/dev/devbtn/stop`);
  await page.waitForURL(/\/api\/dev\/devbtn\/stop$/);
  assert.match(
    (await page.textContent('body')) ?? '',
    /forbidden: the request does not come from this dashboard/,
  );
  await page.close();
  assert.equal(await portAccepts(port), true, 'nothing was stopped');
  const st = (await (await fetch(`${dash.url}api/status`)).json()) as { dev_vms: { state: string }[] };
  assert.equal(st.dev_vms[0]?.state, 'running');
});

test('the stop and resume buttons work', async () => {
  const page = await browser.newPage();
  await page.goto(dash.url);
  const row = page.locator('tr[data-vm="devbtn"]');
  await row.locator('button[data-action="stop"]').click();
  await waitFor(async () => !(await portAccepts(port)), { what: 'the port to stop answering' });
  let lastRow = '';
  await waitFor(
    async () => {
      lastRow = (await row.textContent()) ?? '';
      return lastRow.includes('stopped (by you)');
    },
    {
      what: 'the row to say stopped (by you)',
      timeoutMs: 15_000,
      detail: () => lastRow,
    },
  );
  await row.locator('button[data-action="start"]').click();
  await waitFor(() => portAccepts(port), { what: 'the resumed machine to serve' });
  await waitFor(async () => /running/.test((await row.locator('.badge').textContent()) ?? ''), {
    what: 'the row to say running',
    timeoutMs: 15_000,
  });
  await page.close();
});
