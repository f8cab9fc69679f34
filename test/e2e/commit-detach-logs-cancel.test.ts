// `commit --detach`, `logs ID [-f]` (and its startup_logs alias), `cancel ID` as a user runs them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { killCommitJobs, localProject } from '../helpers/local-commit.js';
import { outputFile } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-logs-'));
const home = join(tmp, 'home');
let out = '';
let repo = '';
const env = { MYMLOPS_HOME: home };
const started: string[] = [];
after(() => {
  killCommitJobs(home, started);
  rmSync(tmp, { recursive: true, force: true });
});

before(() => {
  ({ repo, out } = localProject(tmp));
});

/** `commit --detach` of the slow notebook; each test starts the job it needs. */
function detach(): { id: string; stdout: string } {
  const r = runCli(['commit', 'notebooks/slow.ipynb', '--detach', '-n', 'long one'], { cwd: repo, env });
  assert.equal(r.code, 0, r.stderr);
  const id = /commit (\d{8}_\d{6}) running on mymlops-\d{8}-\d{6} \(local\)/.exec(r.stdout)![1]!;
  started.push(id);
  return { id, stdout: r.stdout };
}

/** A detached job once its command runs (what `logs` shows by then). */
async function running(): Promise<string> {
  const { id } = detach();
  await waitFor(() => runCli(['logs', id], { cwd: repo, env }).stdout.includes('mymlops: running:'), {
    what: `commit ${id}'s command to start`,
    intervalMs: 200,
  });
  return id;
}

describe('detach, logs, cancel', () => {
  it('--detach returns at once and says how to follow', () => {
    const { id, stdout } = detach();
    assert.match(stdout, new RegExp(`follow it: mymlops logs ${id} -f`));
  });

  it('logs prints what the job wrote so far; startup_logs is the same command', async () => {
    const id = await running();
    const r = runCli(['startup_logs', id], { cwd: repo, env });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /mymlops: running: .*fake_run\.py notebooks\/slow\.ipynb/);
  });

  it('cancel stops it; logs -f then ends with the cancelled status and exit 1', async () => {
    const id = await running();
    const c = runCli(['cancel', id], { cwd: repo, env });
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, `cancelled commit ${id} (mymlops-${id.replace('_', '-')})\n`);
    const f = runCli(['logs', id, '-f'], { cwd: repo, env });
    assert.equal(f.code, 1);
    assert.match(f.stdout, /mymlops: job finished status=cancelled\n$/);
    assert.match(
      f.stderr,
      new RegExp(`mymlops: commit ${id} cancelled in \\d+s — cancelled while the command was running`),
    );
    assert.equal(JSON.parse(outputFile(out, `${id}/metadata.json`)).status, 'cancelled');
  });

  it('cancelling a finished job or an unknown id is a one-line error', () => {
    const done = runCli(['commit', 'notebooks/quick.ipynb'], { cwd: repo, env });
    assert.equal(done.code, 0, done.stderr);
    const id = /commit (\d{8}_\d{6})/.exec(done.stderr + done.stdout)![1]!;
    const again = runCli(['cancel', id], { cwd: repo, env });
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      new RegExp(
        `^mymlops: commit ${id} is not running \\(gone: finished\\) — see its result with \`mymlops status\`\\n$`,
      ),
    );
    const unknown = runCli(['logs', '20000101_000000'], { cwd: repo, env });
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /^mymlops: no job 20000101_000000 was launched from this machine .* — pass a commit id/,
    );
  });
});
