// The job folder of a followed local commit removed while it runs (by hand, a cleanup script): the
// follower says so in one line, exit 1 — never an internal error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliAsync } from '../helpers/cli.js';
import { localProject } from '../helpers/local-commit.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-folder-removed-'));
const home = join(tmp, 'home');
let repo = '';

before(() => {
  ({ repo } = localProject(tmp));
});
after(async () => {
  // The job itself runs on without its folder: stop it (every process started under tmp), and wait
  // until none is left writing there before removing it.
  spawnSync('pkill', ['-KILL', '-f', tmp]);
  await waitFor(() => spawnSync('pgrep', ['-f', tmp]).status === 1, { what: 'the job to be gone' });
  rmSync(tmp, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
});

test('a followed job whose folder is removed: one line, exit 1', async () => {
  let id = '';
  const run = runCliAsync(['commit', 'notebooks/slow.ipynb'], {
    cwd: repo,
    env: { ...process.env, MYMLOPS_HOME: home, NO_COLOR: '1' },
    onStderr: (all) => {
      id ||= /commit (\d{8}_\d{6})/.exec(all)?.[1] ?? '';
    },
  });
  const log = () => join(home, 'jobs', id, 'job.log');
  await waitFor(() => id !== '' && existsSync(log()) && readFileSync(log(), 'utf8').includes('running:'), {
    what: 'the job to run',
  });
  // The job writes into it meanwhile: removal may need a few tries, as for a user's `rm -rf`.
  rmSync(join(home, 'jobs', id), { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  const r = await run;
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.match(
    r.stderr.trim().split('\n').pop()!,
    /^mymlops: the local job mymlops-\S+ is gone: its folder under .*jobs was removed — if it published its result/,
  );
});
