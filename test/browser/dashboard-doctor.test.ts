// `mymlops dashboard` on a gce project with no commits yet (built CLI, Compute Engine simulator with
// a new project's GPUS_ALL_REGIONS of 0): the page shows doctor's checks, line for line what
// `mymlops doctor` prints, the missing GPU quota among them.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { printedDashboardUrl } from '../helpers/browser-dashboard.js';
import { launchChromium } from '../helpers/chromium.js';
import { BIN, runCliAsync } from '../helpers/cli.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { bareRepo, FAKE_COMMAND, userRepo } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-dash-doctor-'));
const repo = join(tmp, 'repo');
let s: SimEnv;
let env: NodeJS.ProcessEnv;
let child: ChildProcess | null = null;
let browser: Browser | null = null;

before(async () => {
  s = await startSim(tmp);
  userRepo(repo);
  const yaml = simConfigYaml({
    command: FAKE_COMMAND,
    origin: bareRepo(join(tmp, 'origin.git')),
    out: bareRepo(join(tmp, 'out.git')),
    accelerator: 'nvidia-tesla-t4',
  });
  writeFileSync(join(repo, 'mymlops.yml'), yaml);
  await s.quotas({ project: { GPUS_ALL_REGIONS: 0 } });
  env = { ...process.env, ...s.env, NO_COLOR: '1' };
});

after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('an empty project shows doctor’s lines on the page', async () => {
  const cli = await runCliAsync(['doctor'], { cwd: repo, env });
  assert.equal(cli.code, 3, cli.stderr);
  const lines = cli.stdout.split('\n').filter((l) => /^[✔✘–] /.test(l));
  assert.ok(
    lines.some((l) => l.startsWith('✘ GPU quota: GPUS_ALL_REGIONS allows 0 more')),
    cli.stdout,
  );

  child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0'], { cwd: repo, env });
  const url = await printedDashboardUrl(child);
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('#doctor ul.doctor li', { timeout: 30_000 });
  assert.deepEqual(await page.locator('#doctor ul.doctor li').allInnerTexts(), lines);
  assert.match(await page.locator('#doctor p').innerText(), /not ready/);
  await page.close();
});
