// Every bad input to `mymlops commit`: one line `mymlops: <what> — <fix>`, exit 1, and nothing left
// behind (no snapshot ref, no job folder, no output).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import {
  bareRepo,
  FAKE_COMMAND,
  outputFolders,
  snapshotRefs,
  userRepo,
  writeConfig,
  type LocalConfig,
} from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-commit-errors-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');

before(() => {
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  writeFileSync(join(repo, 'notebooks', 'broken.ipynb'), '{"cells": [ oops');
  writeFileSync(
    join(tmp, 'outside.ipynb'),
    '{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
  );
  // A repository whose server refuses every push.
  const refusing = bareRepo(join(tmp, 'refusing.git'));
  writeFileSync(join(refusing, 'hooks', 'pre-receive'), '#!/bin/sh\necho "pushes are closed" >&2\nexit 1\n');
  chmodSync(join(refusing, 'hooks', 'pre-receive'), 0o755);
  mkdirSync(join(tmp, 'a-directory-key'));
});

function config(name: string, c: Partial<LocalConfig> = {}): string {
  const dir = join(tmp, 'configs', name);
  mkdirSync(dir, { recursive: true });
  return writeConfig(dir, { command: FAKE_COMMAND, repository: origin, output: out, ...c });
}

function assertNothingLeft(): void {
  assert.deepEqual(snapshotRefs(origin), [], 'no snapshot ref');
  assert.deepEqual(
    existsSync(join(home, 'jobs')) ? readdirSync(join(home, 'jobs')) : [],
    [],
    'no job folder',
  );
  assert.deepEqual(outputFolders(out), [], 'no output');
}

const cases: { name: string; args: string[]; cwd?: string; cfg?: Partial<LocalConfig>; line: RegExp }[] = [
  {
    name: 'path missing',
    args: ['notebooks/nope.ipynb'],
    line: /^mymlops: notebooks\/nope\.ipynb does not exist — /,
  },
  {
    name: 'not a notebook',
    args: ['notebooks/helper.py'],
    line: /^mymlops: notebooks\/helper\.py is not a notebook \(\.ipynb\) — /,
  },
  {
    name: 'invalid notebook JSON',
    args: ['notebooks/broken.ipynb'],
    line: /^mymlops: notebooks\/broken\.ipynb is not valid notebook JSON \(.*\) — /,
  },
  {
    name: 'notebook outside the repository',
    args: ['../outside.ipynb'],
    line: /^mymlops: \.\.\/outside\.ipynb is outside the repository .* — /,
  },
  {
    name: 'not a git repository',
    args: ['outside.ipynb'],
    cwd: 'tmp',
    line: /is not inside a git repository — /,
  },
  {
    name: 'repository remote unreachable',
    args: ['notebooks/quick.ipynb'],
    cfg: { repository: join(tmp, 'no-such-repo.git') },
    line: /^mymlops: could not push the snapshot to .*no-such-repo\.git: .*does not appear to be a git repository — check commit\.repository/,
  },
  {
    name: 'push rejected',
    args: ['notebooks/quick.ipynb'],
    cfg: { repository: join(tmp, 'refusing.git') },
    line: /^mymlops: could not push the snapshot to .*refusing\.git: remote: pushes are closed \(pre-receive hook declined\) — the server refused the push for the reason it gave/,
  },
  {
    name: 'repository deploy key missing',
    args: ['notebooks/quick.ipynb'],
    cfg: { repoKey: join(tmp, 'missing_key') },
    line: /^mymlops: commit\.repository\.deploy_key .*missing_key does not exist — /,
  },
  {
    name: 'output deploy key unreadable (not a file)',
    args: ['notebooks/quick.ipynb'],
    cfg: { outputKey: join(tmp, 'a-directory-key') },
    line: /^mymlops: commit\.output_repository\.deploy_key .*a-directory-key is not a file — /,
  },
  {
    name: '--instance of a dev machine that does not exist',
    args: ['notebooks/quick.ipynb', '-i', 'mymlops-dev'],
    line: /^mymlops: no dev machine named mymlops-dev — see `mymlops status` for your dev machines, or start one with `mymlops start`$/,
  },
  {
    name: '--max-parallel 0 (a dry run too)',
    args: ['notebooks/quick.ipynb', '-p', 'lr=1,2', '--max-parallel', '0', '--dry-run'],
    line: /^mymlops: --max-parallel 0 is not a positive integer — e\.g\. --max-parallel 2$/,
  },
];

describe('mymlops commit: bad input', () => {
  for (const c of cases) {
    it(c.name, () => {
      const file = config(c.name.replace(/\W+/g, '-'), c.cfg);
      const r = runCli(['commit', ...c.args, '--config', file], {
        cwd: c.cwd === 'tmp' ? tmp : repo,
        env: { MYMLOPS_HOME: home },
      });
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, c.line);
      assert.match(lines[0]!, /^mymlops: .+ — .+$/);
      assertNothingLeft();
    });
  }

  it('--dry-run prints the plan and changes nothing', () => {
    const file = config('dry');
    const r = runCli(['commit', 'notebooks/quick.ipynb', '-n', 'dry', '--dry-run', '--config', file], {
      cwd: repo,
      env: { MYMLOPS_HOME: home },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dry run: nothing was created/);
    assert.match(r.stdout, /refs\/mymlops\/snapshots\/\d{8}_\d{6}/);
    assert.match(r.stdout, /^ {2}notebooks\/quick\.ipynb$/m);
    assert.match(r.stdout, /^ {2}fake_run\.py$/m);
    assert.match(r.stdout, /"notes": "dry"/);
    assert.match(r.stdout, /#!\/usr\/bin\/env bash/);
    assertNothingLeft();
    const j = runCli(['commit', 'notebooks/quick.ipynb', '--dry-run', '--json', '--config', file], {
      cwd: repo,
      env: { MYMLOPS_HOME: home },
    });
    const plan = JSON.parse(j.stdout) as { files: string[]; plan: { jobConfig: { notebook: string } } };
    assert.equal(plan.plan.jobConfig.notebook, 'notebooks/quick.ipynb');
    assert.ok(plan.files.includes('notebooks/fail.ipynb'));
    assertNothingLeft();
  });

  it('--dry-run of a sweep names every run, and the metadata preview keeps nested values', () => {
    const file = config('dry-sweep');
    const args = ['commit', 'notebooks/quick.ipynb', '-p', 'lr=0.1,0.2', '-p', 'seed=0..1', '--dry-run'];
    const r = runCli([...args, '--config', file], { cwd: repo, env: { MYMLOPS_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sweep {5}4 runs sharing one snapshot/m);
    assert.match(r.stdout, /^ {2}4\. \{"lr":0\.2,"seed":1\}$/m);
    // The first run's parameters, nested in metadata.json, are shown whole.
    assert.match(r.stdout, /"parameters": \{\n\s+"lr": 0\.1,\n\s+"seed": 0\n\s+\}/);
    const j = runCli([...args, '--json', '--config', file], { cwd: repo, env: { MYMLOPS_HOME: home } });
    assert.equal((JSON.parse(j.stdout) as { sweep: unknown[] }).sweep.length, 4);
    assertNothingLeft();
  });
});
