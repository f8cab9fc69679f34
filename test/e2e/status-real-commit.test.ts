// `mymlops status` over what `mymlops commit` really writes (local backend, real job script and
// publish; the kernel-less fake runner keeps it fast): succeeded, failed, processing, then kill -9.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { commitJobPid, killCommitJobs, localProject } from '../helpers/local-commit.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-status-'));
const home = join(tmp, 'home');
let repo = '';
const env = { MYMLOPS_HOME: home };
let slow = '';
after(() => {
  killCommitJobs(home, [slow]);
  rmSync(tmp, { recursive: true, force: true });
});

before(() => {
  ({ repo } = localProject(tmp, { progressInterval: 1 }));
});

interface Row {
  id: string;
  status: string;
  reason: string | null;
  notebook: string;
  notes: string | null;
  output_path: string | null;
  duration_seconds: number | null;
  finished_at: string | null;
  error: { ename: string } | null;
  format: string;
  has_log: boolean;
}
const statusJson = (): Row[] => {
  const r = runCli(['status', '--json'], { cwd: repo, env });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { commits: Row[] }).commits;
};
const idOf = (text: string) => /commit (\d{8}_\d{6})/.exec(text)![1]!;

describe('status over real commits', () => {
  let ok = '';
  let bad = '';
  it('a succeeded and a failed commit are listed with times, log and error', () => {
    const a = runCli(['commit', 'notebooks/quick.ipynb', '-n', 'quick one'], { cwd: repo, env });
    assert.equal(a.code, 0, a.stderr);
    ok = idOf(a.stderr + a.stdout);
    const b = runCli(['commit', 'notebooks/fail.ipynb', '-n', 'failing one'], { cwd: repo, env });
    assert.equal(b.code, 1, b.stderr);
    bad = idOf(b.stderr + b.stdout);
    const rows = statusJson();
    const r1 = rows.find((r) => r.id === ok)!;
    const r2 = rows.find((r) => r.id === bad)!;
    assert.equal(r1.status, 'succeeded');
    assert.equal(r1.notes, 'quick one');
    assert.equal(r1.output_path, `${ok}/quick.ipynb`);
    assert.equal(r1.format, 'mymlops');
    assert.ok(r1.has_log);
    assert.ok(r1.finished_at && typeof r1.duration_seconds === 'number');
    assert.equal(r2.status, 'failed');
    assert.ok(r2.error?.ename, 'the failing cell is named');
    assert.deepEqual(rows.map((r) => r.id).slice(0, 2), [bad, ok], 'newest first');
    const table = runCli(['status'], { cwd: repo, env });
    assert.match(
      table.stdout,
      new RegExp(
        `succeeded\\s+${ok}\\s+quick\\.ipynb\\s+finished (just now|\\d+ min ago), took \\d+s\\s+quick one`,
      ),
    );
  });

  it('a running commit is processing; after kill -9 it is stopped (killed)', async () => {
    const r = runCli(['commit', 'notebooks/slow.ipynb', '--detach', '-n', 'long one'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    slow = idOf(r.stdout);
    await waitFor(
      () => (statusJson().find((x) => x.id === slow)?.status === 'processing' ? true : undefined),
      { what: 'processing', timeoutMs: 60_000, intervalMs: 500 },
    );
    process.kill(-commitJobPid(home, slow), 'SIGKILL');
    const row = await waitFor(
      () => {
        const x = statusJson().find((y) => y.id === slow);
        return x?.status === 'stopped' ? x : undefined;
      },
      { what: 'stopped', timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.match(row.reason ?? '', /killed/);
    assert.equal(
      runCli(['status', '--limit', '1'], { cwd: repo, env }).stdout.split('\n')[1]!.split(/\s+/)[0],
      'stopped',
    );
  });
});
