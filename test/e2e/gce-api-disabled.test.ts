// A commit on a project whose Compute Engine API is off (simulator: Google's 403
// accessNotConfigured): one line naming the API and how to enable it, no stack, nothing launched.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliAsync } from '../helpers/cli.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { bareRepo, FAKE_COMMAND, userRepo } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-api-off-'));
const repo = join(tmp, 'repo');
let s: SimEnv;

before(async () => {
  s = await startSim(tmp);
  userRepo(repo);
  writeFileSync(
    join(repo, 'mymlops.yml'),
    simConfigYaml({
      command: FAKE_COMMAND,
      origin: bareRepo(join(tmp, 'origin.git')),
      out: bareRepo(join(tmp, 'out.git')),
    }),
  );
  await s.quotas({ computeApiEnabled: false });
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('commit with the API off says so in one line', async () => {
  const r = await runCliAsync(['commit', 'notebooks/quick.ipynb'], {
    cwd: repo,
    env: { ...process.env, ...s.env },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr.trim().split('\n').at(-1),
    'mymlops: the Compute Engine API is not enabled in project mymlops-test — enable it: gcloud services enable compute.googleapis.com --project mymlops-test (or https://console.developers.google.com/apis/api/compute.googleapis.com/overview?project=mymlops-test), then wait a few minutes',
  );
  assert.doesNotMatch(r.stderr, /internal error|GceApiError|\n\s+at /);
  assert.equal(s.sim.compute.world.instances.size, 0);
});
