// A running commit's progress lives off the output branch (refs/mymlops/progress/<id>): the branch
// gets exactly one commit for the result, status shows the progress meanwhile, and the original
// tool's rule run on the branch (a folder with a notebook = a result) never lists it before it ends.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LocalBackend } from '../../../src/adapters/backends/local/local.js';
import { statusSources } from '../../../src/adapters/output-repo/status-sources.js';
import { readResult } from '../../../src/adapters/store/jobs.js';
import { commitDeps } from '../../../src/app/commit/deps.js';
import { appContext } from '../../../src/app/context.js';
import { loadConfigFile } from '../../../src/config/load.js';
import { startCommit } from '../../../src/core/commit/commit.js';
import { StatusService } from '../../../src/core/status/service.js';
import {
  bareRepo,
  commitFiles,
  FAKE_COMMAND,
  git,
  sleepingSteps,
  userRepo,
  writeConfig,
} from '../../helpers/git-repo.js';
import { killCommitJobs } from '../../helpers/local-commit.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-int-progress-'));
const home = join(tmp, 'home');
let jobId = '';
after(() => {
  killCommitJobs(home, [jobId]);
  rmSync(tmp, { recursive: true, force: true });
});

/** The original tool's status rule on the branch: every folder holding a notebook is a result. */
function originalResults(out: string): string[] {
  let files: string[] = [];
  try {
    files = git(out, 'ls-tree', '-r', '--name-only', 'master').split('\n');
  } catch {}
  return [...new Set(files.filter((f) => /^[^/]+\/[^/]+\.ipynb$/.test(f)).map((f) => f.split('/')[0]!))];
}

test('progress goes to refs/mymlops/progress/<id>; the branch gets one commit, for the result', async () => {
  const origin = bareRepo(join(tmp, 'origin.git'));
  const out = bareRepo(join(tmp, 'out.git'));
  git(out, 'config', 'uploadpack.allowFilter', 'true');
  const repo = userRepo(join(tmp, 'repo'));
  // Three cells of 2 s (the fake runner sleeps on time.sleep) with a progress push every second.
  commitFiles(repo, { 'notebooks/steps.ipynb': sleepingSteps(2) }, 'steps');
  const config = loadConfigFile(
    writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out, progressInterval: 1 }),
  );
  const ctx = appContext(config, { home });
  const s = await startCommit(
    config,
    {
      path: 'notebooks/steps.ipynb',
      notes: 'progress',
      artifacts: false,
      keepMachine: false,
      instance: null,
      sshOptions: [],
    },
    { ...commitDeps(ctx), cwd: repo },
  );
  jobId = s.commitId;
  const status = new StatusService(
    statusSources(config, home, new LocalBackend(home), { failWhenUnreachable: false }),
  );
  const seen = new Set<string>();
  const log = () => readFileSync(join(home, 'jobs', jobId, 'job.log'), 'utf8');
  const finished = () => /job finished status=\w+\n$/.test(log());
  await waitFor(
    async () => {
      const done = finished();
      // Whenever the branch shows the folder, it is the final result, never a running commit.
      if (originalResults(out).includes(jobId)) {
        const meta = JSON.parse(git(out, 'show', `master:${jobId}/metadata.json`)) as { status: string };
        assert.notEqual(meta.status, 'processing', 'the branch holds a running commit');
      }
      const row = (await status.snapshot()).commits.find((r) => r.id === jobId);
      if (row?.status === 'processing' && row.progress)
        seen.add(`${row.progress.cells_done}/${row.progress.cells_total}`);
      return done;
    },
    { what: 'the job to finish', timeoutMs: 90_000, intervalMs: 200, detail: log },
  );
  assert.equal(readResult(jobId, home)?.status, 'succeeded', log());
  assert.ok(seen.size > 0, 'status showed the progress while it ran');
  assert.ok(
    [...seen].every((p) => /^\d\/3$/.test(p)),
    [...seen].join(' '),
  );
  assert.match(log(), /progress pushed/);
  // Exactly one commit on the branch: the result's; and the progress ref is gone.
  assert.deepEqual(git(out, 'log', '--format=%s', 'master').split('\n'), [`commit ${jobId}: progress`]);
  assert.equal(git(out, 'for-each-ref', 'refs/mymlops/progress/'), '');
  assert.deepEqual(originalResults(out), [jobId]);
  const final = (await status.snapshot()).commits.find((r) => r.id === jobId);
  assert.equal(final?.status, 'succeeded');
});
