// A running local job whose launch.json is damaged (a full disk, a hand edit) is still found:
// status shows it running, and cancel stops it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { killCommitJobs, localProject } from '../helpers/local-commit.js';
import { outputFile } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-damaged-'));
const home = join(tmp, 'home');
let out = '';
let repo = '';
const env = { MYMLOPS_HOME: home };
let id = '';
after(() => {
  killCommitJobs(home, [id]);
  rmSync(tmp, { recursive: true, force: true });
});

before(() => {
  ({ repo, out } = localProject(tmp));
});

describe('a damaged launch record', () => {
  it('does not hide a running job from status and cancel', async () => {
    const r = runCli(['commit', 'notebooks/slow.ipynb', '--detach'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    id = /commit (\d{8}_\d{6}) running/.exec(r.stdout)![1]!;
    await waitFor(() => runCli(['logs', id], { cwd: repo, env }).stdout.includes('mymlops: running:'), {
      what: `commit ${id}'s command to start`,
      intervalMs: 200,
    });
    writeFileSync(join(home, 'jobs', id, 'launch.json'), '{"commit": "2025');
    const s = runCli(['status', '--json'], { cwd: repo, env });
    assert.equal(s.code, 0, s.stderr);
    const commits = (JSON.parse(s.stdout) as { commits: { id: string; machine: { state: string } }[] })
      .commits;
    assert.equal(commits.find((c) => c.id === id)?.machine.state, 'running', s.stdout);
    const c = runCli(['cancel', id], { cwd: repo, env });
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, `cancelled commit ${id} (mymlops-${id.replace('_', '-')})\n`);
    await waitFor(
      () => {
        try {
          return JSON.parse(outputFile(out, `${id}/metadata.json`)).status === 'cancelled';
        } catch {
          return false;
        }
      },
      { what: 'the cancelled result', timeoutMs: 60_000 },
    );
  });
});
