// `mymlops status` as a user runs it (built CLI), on real output repositories in both layouts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { TestOutputRepo } from '../helpers/output-repo.js';

let repo: TestOutputRepo;
let dir: string;
let env: NodeJS.ProcessEnv;
const LOST = '20240101_000000';

before(() => {
  repo = new TestOutputRepo('master');
  repo.addFixture('output-original');
  repo.addFixture('output-mymlops');
  dir = mkdtempSync(join(tmpdir(), 'mymlops-status-e2e-'));
  const home = join(dir, 'home');
  writeFileSync(
    join(dir, 'mymlops.yml'),
    `backend: local\ncommit:\n  command: python run.py\n  repository:\n    url: ${join(dir, 'repo.git')}\n  output_repository:\n    url: ${repo.bare}\n`,
  );
  // A launch whose machine and result never appeared: `lost`.
  mkdirSync(join(home, 'jobs', LOST), { recursive: true });
  writeFileSync(
    join(home, 'jobs', LOST, 'launch.json'),
    JSON.stringify({
      commit: LOST,
      backend: 'gce',
      machine: 'mymlops-20240101-000000',
      notebook: 'nb/lost.ipynb',
      notes: 'gone',
      created_at: '2024-01-01T00:00:01Z',
      repository: { url: 'x', branch: 'main' },
    }),
  );
  env = { MYMLOPS_HOME: home };
});
after(() => {
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('status prints every commit newest first with derived statuses and relative times', () => {
  const r = runCli(['status'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  // The lost commit gets a hint under the table.
  assert.equal(
    lines.pop(),
    `${LOST} lost before finishing: \`mymlops retry ${LOST}\` runs the same snapshot again`,
  );
  assert.match(lines[0]!, /^STATUS\s+ID\s+NOTEBOOK\s+WHEN\s+METRICS\s+NOTES$/);
  const ids = lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2));
  assert.deepEqual(ids, [
    ['cancelled', '20250101_120000'],
    ['failed', '20250101_110000'],
    ['succeeded', '20250101_090000'],
    ['succeeded', '20241109_120000'],
    ['failed', '20241108_101500'],
    ['succeeded', '20241107_035340'],
    ['lost', LOST],
  ]);
  assert.match(r.stdout, /finished \d+ days ago, took 1h04m\s+auc=0\.95 logloss=0\.18\s+new format ok/);
  assert.match(r.stdout, /ZeroDivisionError: division by zero/);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'NO_COLOR: no escape codes');
});

test('status --json has the documented fields; --limit keeps the newest', () => {
  const r = runCli(['status', '--json', '--limit', '3'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j).sort(), ['commits', 'dev_vms', 'generated_at', 'running', 'warnings']);
  assert.equal(j.commits.length, 3);
  const ok = j.commits[2];
  assert.equal(ok.id, '20250101_090000');
  assert.equal(ok.status, 'succeeded');
  assert.equal(ok.duration_seconds, 3840);
  assert.deepEqual(ok.metrics, { auc: 0.95, logloss: 0.18 });
  assert.equal(ok.output_path, '20250101_090000/exp010.ipynb');
  const all = JSON.parse(runCli(['status', '--json'], { cwd: dir, env }).stdout);
  assert.equal(all.commits.find((c: { id: string }) => c.id === LOST).status, 'lost');
  assert.equal(all.commits.find((c: { id: string }) => c.id === '20241108_101500').format, 'original');
});

test('bad input: one line, non-zero exit', () => {
  const bad = runCli(['status', '--limit', 'x'], { cwd: dir, env });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim(), 'mymlops: --limit x is not a positive whole number — pass e.g. --limit 20');
  const other = mkdtempSync(join(tmpdir(), 'mymlops-status-bad-'));
  try {
    writeFileSync(
      join(other, 'mymlops.yml'),
      `backend: local\ncommit:\n  command: x\n  repository:\n    url: /nonexistent/r.git\n  output_repository:\n    url: ${join(other, 'missing.git')}\n`,
    );
    const r = runCli(['status'], { cwd: other, env: { MYMLOPS_HOME: join(other, 'home') } });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^mymlops: cannot fetch the output repository .*missing\.git.* — check commit\.output_repository\.url/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});
