// A result's life after the job as a user runs it (built CLI, local backend): a result kept
// unpublished and `mymlops publish`, retry of a succeeded commit, logs from another home.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { BIN, runCli } from '../helpers/cli.js';
import { git, outputFile, outputFolders, snapshotRefs } from '../helpers/git-repo.js';
import { localProject } from '../helpers/local-commit.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-life-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const home = join(tmp, 'home');
let out = '';
let origin = '';
let repo = '';
// The job's retry window for a failed push, short here (jobs inherit the CLI's environment).
const env = { MYMLOPS_HOME: home, MYMLOPS_PUBLISH_RETRY: '2' };
const idOf = (text: string): string => /commit (\d{8}_\d{6})/.exec(text)![1]!;

before(() => {
  ({ repo, out, origin } = localProject(tmp));
});

/** Past the 3 s fetch throttle (its stamp file's mtime): the next command fetches the output repository. */
function unthrottle(): void {
  const cache = join(home, 'cache', 'output-repo');
  const past = new Date(Date.now() - 60_000);
  for (const k of readdirSync(cache)) utimesSync(join(cache, k, 'fetched-at'), past, past);
}

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

  it('prune --dry-run lists the snapshot refs of old published commits; prune removes exactly those', () => {
    const r = runCli(['commit', 'notebooks/slow.ipynb', '--detach'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    const running = idOf(r.stdout);
    // Every commit here is "older than 0 days".
    appendFileSync(join(repo, 'mymlops.yml'), '  prune_after_days: 0\n');
    unthrottle();
    const rows = JSON.parse(runCli(['status', '--json'], { cwd: repo, env }).stdout).commits as {
      id: string;
      status: string;
      output_path: string | null;
    }[];
    const expected = rows
      .filter((c) => ['succeeded', 'failed', 'cancelled'].includes(c.status) && c.output_path)
      .map((c) => `refs/mymlops/snapshots/${c.id}`)
      .sort();
    const before = snapshotRefs(origin);
    assert.ok(expected.length >= 3 && before.includes(`refs/mymlops/snapshots/${running}`));
    // A progress ref a job could not remove (killed), of a commit that has its result since.
    const stale = `refs/mymlops/progress/${expected[0]!.split('/').pop()}`;
    git(out, 'update-ref', stale, git(out, 'rev-parse', 'master'));
    unthrottle();
    const dry = runCli(['prune', '--dry-run', '--json'], { cwd: repo, env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(
      (JSON.parse(dry.stdout).refs as { what: string }[]).map((x) => x.what),
      expected,
    );
    assert.deepEqual(
      (JSON.parse(dry.stdout).progress as { what: string }[]).map((x) => x.what),
      [stale],
    );
    assert.deepEqual(snapshotRefs(origin), before, '--dry-run changes nothing');
    const p = runCli(['prune'], { cwd: repo, env });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`removed ${expected.length} snapshot ref\\(s\\)`));
    assert.match(p.stdout, /and 1 stale progress ref\(s\)/);
    assert.equal(git(out, 'for-each-ref', 'refs/mymlops/progress/'), '');
    assert.deepEqual(
      snapshotRefs(origin),
      before.filter((x) => !expected.includes(x)),
    );
    assert.ok(existsSync(join(home, 'jobs', running, 'launch.json')), 'the running commit keeps its record');
    assert.equal(runCli(['cancel', running], { cwd: repo, env }).code, 0);
  });

  it('an empty job folder older than a minute goes at the next command', () => {
    const dir = join(home, 'jobs', '20200101_000000');
    mkdirSync(dir);
    const old = new Date(Date.now() - 120_000);
    utimesSync(dir, old, old);
    const fresh = join(home, 'jobs', '20200101_000001');
    mkdirSync(fresh);
    runCli(['status'], { cwd: repo, env });
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(fresh), true, 'a just-reserved id stays');
  });

  it('status warns when a result it knew is gone from the output repository', () => {
    const rows = JSON.parse(runCli(['status', '--json'], { cwd: repo, env }).stdout).commits as {
      id: string;
    }[];
    // History rewritten: the branch goes back to its first commit.
    const root = git(out, 'rev-list', '--max-parents=0', 'master');
    const kept = git(out, 'ls-tree', '--name-only', root).split('\n');
    git(out, 'update-ref', 'refs/heads/master', root);
    const gone = rows.map((c) => c.id).filter((id) => !kept.includes(id));
    assert.ok(gone.length > 0);
    unthrottle();
    const s = runCli(['status'], { cwd: repo, env });
    assert.equal(s.code, 0, s.stderr);
    const warnings = s.stderr.split('\n').filter((l) => l.includes('gone from the output repository'));
    assert.equal(warnings.length, 1, s.stderr);
    const n = Number(
      /^mymlops: warning: (\d+) results gone from the output repository \(its history was rewritten\?\): /.exec(
        warnings[0]!,
      )?.[1],
    );
    assert.ok(n >= 3, warnings[0]);
    const j = JSON.parse(runCli(['status', '--json'], { cwd: repo, env }).stdout).commits as {
      id: string;
      status: string;
      reason: string;
    }[];
    const lost = j.filter((c) => c.reason === 'result gone from the output repository');
    assert.equal(lost.length, n);
    for (const row of lost) {
      assert.ok(gone.includes(row.id), row.id);
      assert.equal(row.status, 'lost');
    }
  });
});
