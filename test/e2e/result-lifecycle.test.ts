// A result's life after the job as a user runs it (built CLI, local backend): a result kept
// unpublished and `mymlops publish`, retry of a succeeded commit, logs from another home.
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import {
  bareRepo,
  FAKE_COMMAND,
  git,
  outputFile,
  outputFolders,
  userRepo,
  writeConfig,
} from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-life-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const home = join(tmp, 'home');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
// The job's retry window for a failed push, short here (jobs inherit the CLI's environment).
const env = { MYMLOPS_HOME: home, MYMLOPS_PUBLISH_RETRY: '2' };
const idOf = (text: string): string => /commit (\d{8}_\d{6})/.exec(text)![1]!;

before(() => {
  bareRepo(out);
  userRepo(repo);
  writeConfig(repo, { command: FAKE_COMMAND, repository: bareRepo(join(tmp, 'origin.git')), output: out });
});

function commitQuick(): string {
  const r = runCli(['commit', 'notebooks/quick.ipynb'], { cwd: repo, env });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return idOf(r.stderr);
}

describe('publish, retry --force, logs from anywhere', () => {
  it('an unreachable output repository keeps the result; `publish` lands exactly one folder, twice too', () => {
    commitQuick();
    // Fetched once, so status shows rows from its cache while the repository is away.
    assert.equal(runCli(['status'], { cwd: repo, env }).code, 0);
    renameSync(out, `${out}.away`);
    const r = runCli(['commit', 'notebooks/quick.ipynb'], { cwd: repo, env });
    assert.equal(r.code, 1, r.stderr);
    const id = idOf(r.stderr);
    const s = runCli(['status'], { cwd: repo, env });
    assert.match(
      s.stdout,
      new RegExp(`^failed +${id} .*\\(not published: output repository .* unreachable`, 'm'),
    );
    assert.match(s.stdout, new RegExp(`fix the cause, then \`mymlops publish ${id}\``));
    renameSync(`${out}.away`, out);
    const before = outputFolders(out).length;
    const p = runCli(['publish', id], { cwd: repo, env });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`^published commit ${id} \\(succeeded\\) to `));
    assert.equal(outputFolders(out).filter((f) => f === id).length, 1);
    assert.equal(outputFolders(out).length, before + 1);
    assert.equal(JSON.parse(outputFile(out, `${id}/metadata.json`)).status, 'succeeded');
    const head = git(out, 'rev-parse', 'master');
    const again = runCli(['publish', id], { cwd: repo, env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^commit ${id} has no kept result to publish: `));
    assert.equal(git(out, 'rev-parse', 'master'), head, 'publishing twice changes nothing');
    const st = runCli(['status', '--json'], { cwd: repo, env });
    const row = (JSON.parse(st.stdout).commits as { id: string; status: string }[]).find((c) => c.id === id);
    assert.equal(row?.status, 'succeeded');
  });

  it('retry refuses a succeeded commit (exit 2, one line); --force runs it and keeps attempt 1', () => {
    const id = commitQuick();
    const first = git(out, 'rev-parse', 'master');
    const r = runCli(['retry', id], { cwd: repo, env });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `mymlops: commit ${id} succeeded: retry is for stopped, preempted or failed commits — run it again anyway with \`mymlops retry ${id} --force\` (the result stays in its attempts)\n`,
    );
    const f = runCli(['retry', id, '--force'], { cwd: repo, env });
    assert.equal(f.code, 0, f.stderr + f.stdout);
    const meta = JSON.parse(outputFile(out, `${id}/metadata.json`)) as {
      attempt: number;
      status: string;
      attempts: { attempt: number; status: string }[];
    };
    assert.equal(meta.attempt, 2);
    assert.equal(meta.status, 'succeeded');
    assert.deepEqual(
      meta.attempts.map((a) => [a.attempt, a.status]),
      [[1, 'succeeded']],
    );
    // Attempt 1's push is still in the output branch's history (no forced push).
    assert.equal(git(out, 'merge-base', '--is-ancestor', first, 'master'), '');
  });
});
