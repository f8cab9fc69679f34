// A result's life after the job as a user runs it (built CLI, local backend): a result kept
// unpublished and `mymlops publish`, retry of a succeeded commit, logs from another home.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { BIN, runCli } from '../helpers/cli.js';
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
  assert.equal(r.code, 0, `${r.stderr}\n--- stdout\n${r.stdout}`);
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

  it('logs ID with a fresh MYMLOPS_HOME prints the published job.log; --tail N prints its end', () => {
    const id = commitQuick();
    const published = outputFile(out, `${id}/job.log`);
    const fresh = { ...env, MYMLOPS_HOME: join(tmp, 'fresh-home') };
    const r = runCli(['logs', id], { cwd: repo, env: fresh });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${published.replace(/\n$/, '')}\n`);
    const t = runCli(['logs', id, '--tail', '3'], { cwd: repo, env: fresh });
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, `${published.trimEnd().split('\n').slice(-3).join('\n')}\n`);
    const local = runCli(['logs', id, '--tail', '1'], { cwd: repo, env });
    assert.match(local.stdout, /^mymlops: job finished status=succeeded\n$/);
    const f = runCli(['logs', id, '-f'], { cwd: repo, env: fresh });
    assert.equal(f.code, 0, f.stderr);
    assert.match(f.stderr, new RegExp(`mymlops: commit ${id} succeeded`));
    const none = runCli(['logs', '20000101_000000'], { cwd: repo, env: fresh });
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /^mymlops: no job 20000101_000000 was launched from this machine .* and the output repository has no 20000101_000000\/job\.log — /,
    );
  });

  it('a follower whose stdout closes stops following, exits 0 and leaves the job running', async () => {
    const child = spawn(process.execPath, [BIN, 'commit', 'notebooks/slow.ipynb'], {
      cwd: repo,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // as `| head -0` does
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(code, 0, stderr);
    const id = idOf(stderr);
    assert.match(stderr, new RegExp(`commit ${id} is still running — follow it: mymlops logs ${id} -f`));
    const running = runCli(['status', '--json'], { cwd: repo, env });
    const row = (JSON.parse(running.stdout).commits as { id: string; status: string }[]).find(
      (c) => c.id === id,
    );
    assert.equal(row?.status, 'processing');
    // Still its own process after the follower left; cancelled here so the test ends.
    const pid = Number(readFileSync(join(home, 'jobs', id, 'pid'), 'utf8'));
    assert.doesNotThrow(() => process.kill(pid, 0), 'the job process is alive');
    assert.equal(runCli(['cancel', id], { cwd: repo, env }).code, 0);
  });
});
