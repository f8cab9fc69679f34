// The built CLI: MYMLOPS_HOME stays private after a real commit, a closed stdout ends a command
// quietly, and exit codes tell a failed notebook from a usage error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli } from '../helpers/cli.js';
import { bareRepo, FAKE_COMMAND, userRepo, writeConfig } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-home-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const env = { MYMLOPS_HOME: home };

before(() => {
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out });
});

/** Every path under `root` whose group or other bits are set. */
function readableByOthers(root: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) found.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(root);
  return found;
}

describe('MYMLOPS_HOME is private', () => {
  it('after a commit on the local backend and a status, nothing under it is group/other readable', () => {
    const r = runCli(['commit', 'notebooks/quick.ipynb', '-n', 'private'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const s = runCli(['status'], { cwd: repo, env });
    assert.equal(s.code, 0, s.stderr);
    assert.ok(readdirSync(join(home, 'jobs')).length > 0, 'the commit wrote its records');
    assert.deepEqual(readableByOthers(home), []);
  });

  it('a home left readable by an earlier version is tightened on the next run', () => {
    const old = join(tmp, 'old-home');
    mkdirSync(join(old, 'jobs', '20240101_000000'), { recursive: true });
    writeFileSync(join(old, 'jobs', '20240101_000000', 'launch.json'), '{}');
    for (const p of [old, join(old, 'jobs'), join(old, 'jobs', '20240101_000000')]) chmodSync(p, 0o755);
    chmodSync(join(old, 'jobs', '20240101_000000', 'launch.json'), 0o644);
    const r = runCli(['validate'], { cwd: repo, env: { MYMLOPS_HOME: old } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readableByOthers(old), []);
  });
});

describe('pipes and exit codes', () => {
  it('`status | head -1` exits 0 with no stack', () => {
    // Many rows, so the status outlives the reader.
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(BIN)} status | head -1`], {
      cwd: repo,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^STATUS\s+ID/);
    assert.equal(r.stderr, '');
    const t = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(BIN)} status --json | true`], {
      cwd: repo,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    assert.equal(t.status, 0, t.stderr);
    assert.doesNotMatch(t.stderr, /EPIPE|\n\s+at /);
  });

  it('a misspelt option exits 2, a config error exits 2, a failed notebook exits 1', () => {
    const typo = runCli(['status', '--jsno'], { cwd: repo, env });
    assert.equal(typo.code, 2, typo.stderr);
    const bad = join(tmp, 'bad.yml');
    writeFileSync(bad, 'commit: [\n');
    const cfg = runCli(['validate', '--config', bad], { cwd: repo, env });
    assert.equal(cfg.code, 2);
    assert.deepEqual(cfg.stderr.trimEnd().split('\n'), [
      `mymlops: ${bad}:1:9: invalid YAML: \`[\` is never closed with \`]\` — fix the YAML syntax`,
      '  commit: [',
      '          ^',
    ]);
    const failed = runCli(['commit', 'notebooks/fail.ipynb'], { cwd: repo, env });
    assert.equal(failed.code, 1, failed.stderr);
  });

  it('--help ends with the exit codes', () => {
    const h = runCli(['--help'], { cwd: repo, env });
    assert.equal(h.code, 0);
    assert.match(
      h.stdout,
      /Exit codes:\n {2}0 +ok\n {2}1 +the notebook or job failed.*\n {2}2 +usage or config error.*\n {2}3 +mymlops doctor.*\n {2}130 +interrupted.*\n {2}70 +internal error.*\n {2}74 +a file on this machine.*\n {2}75 +Compute Engine did not answer.*\n$/,
    );
  });
});
