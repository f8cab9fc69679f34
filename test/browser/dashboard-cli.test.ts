// `mymlops dashboard` (built CLI) on an output repository holding both the original tool's folders
// and folders written by a real `mymlops commit`: the page lists each with its status.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { printedDashboardUrl } from '../helpers/browser-dashboard.js';
import { launchChromium } from '../helpers/chromium.js';
import { BIN, runCli } from '../helpers/cli.js';
import { bareRepo, FAKE_COMMAND, userRepo, writeConfig } from '../helpers/git-repo.js';
import { TestOutputRepo } from '../helpers/output-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-dash-cli-'));
const home = join(tmp, 'home');
const repo = join(tmp, 'repo');
const env = { MYMLOPS_HOME: home };
let out: TestOutputRepo;
let child: ChildProcess | null = null;
let browser: Browser | null = null;
const ids: Record<string, string> = {};

before(() => {
  out = new TestOutputRepo('master');
  out.addFixture('output-original');
  userRepo(repo);
  writeConfig(repo, {
    command: FAKE_COMMAND,
    repository: bareRepo(join(tmp, 'origin.git')),
    output: out.bare,
  });
  for (const [nb, code] of [
    ['quick', 0],
    ['fail', 1],
  ] as const) {
    const r = runCli(['commit', `notebooks/${nb}.ipynb`, '-n', `real ${nb}`], { cwd: repo, env });
    assert.equal(r.code, code, r.stderr);
    ids[nb] = /commit (\d{8}_\d{6})/.exec(r.stderr + r.stdout)![1]!;
  }
});

after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) child.kill('SIGKILL');
  out?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

test('the dashboard command serves both layouts and stops cleanly on SIGTERM', async () => {
  child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0'], {
    cwd: repo,
    env: { ...process.env, ...env, NO_COLOR: '1' },
  });
  const url = await printedDashboardUrl(child);
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector(`.tr[data-id="${ids['fail']}"]`, { timeout: 20_000 });
  const statusOf = (id: string) => page.locator(`.tr[data-id="${id}"] .c-status`).innerText();
  assert.equal(await statusOf(ids['quick']!), 'succeeded');
  assert.equal(await statusOf(ids['fail']!), 'failed');
  assert.equal(await statusOf('20241107_035340'), 'succeeded');
  assert.equal(await statusOf('20241108_101500'), 'failed');
  assert.equal(await statusOf('20241109_120000'), 'succeeded');
  assert.equal(await page.locator(`.tr[data-id="${ids['quick']}"] .c-notes`).innerText(), 'real quick');
  await page.close();
  const code = await new Promise<number | null>((resolve) => {
    child!.once('exit', (c) => resolve(c));
    child!.kill('SIGTERM');
  });
  assert.equal(code, 0);
});

test('bad --port is one line, exit 2', () => {
  const r = runCli(['dashboard', '--port', 'http'], { cwd: repo, env });
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    'mymlops: --port http is not a port number — pass a number from 1 to 65535, e.g. --port 8001',
  );
});
