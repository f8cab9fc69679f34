// "Your first GPU commit" as the README tells it, in one run on the simulator (built CLI, an empty
// MYMLOPS_HOME, a repository with no mymlops.yml, a new project with no GPU quota): `init --gce`
// writes the config and its doctor names the missing quota in one line; the quota is raised;
// `image create --write` bakes a snapshot (gcloud describes it); doctor is then all ✔ (exit 0); a GPU
// commit with the shipped runner succeeds from the snapshot — and again with instance.image.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runAsync, runCliAsync } from '../helpers/cli.js';
import { hasGcloud, type SimEnv, startSim } from '../helpers/gce-sim.js';
import { bareRepo, git, outputFile, userRepo } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-first-gpu-'));
const repo = join(tmp, 'repo');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'results.git');
const FAMILY = 'projects/deeplearning-platform-release/global/images/family/pytorch-latest-gpu';
let s: SimEnv;
let env: NodeJS.ProcessEnv;

before(async () => {
  s = await startSim(tmp, { driverInstallMs: 300 });
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  git(repo, 'remote', 'add', 'origin', origin);
  git(repo, 'push', '-q', 'origin', 'master');
  env = { ...process.env, ...s.gcloudEnv, MYMLOPS_GCE_LOG_POLL_MS: '50' };
  await s.quotas({ project: { GPUS_ALL_REGIONS: 0 } });
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env });
const failed = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('✘'));

test('init --gce → doctor (quota) → image create → doctor ready → a GPU commit, from a snapshot and from an image', async () => {
  assert.ok(!existsSync(join(repo, 'mymlops.yml')));
  const init = await cli([
    'init',
    '--gce',
    '--output',
    out,
    '--zone-regex',
    'us-.*',
    '--snapshot',
    'first-gpu',
  ]);
  assert.equal(init.code, 3, init.stderr);
  const quota = failed(init.stdout).filter((l) => l.startsWith('✘ GPU quota:'));
  assert.equal(quota.length, 1, init.stdout);
  assert.match(quota[0]!, /GPUS_ALL_REGIONS allows 0 more GPU/);

  await s.quotas({ project: { GPUS_ALL_REGIONS: 4 } });
  const baked = await cli(['image', 'create', '--name', 'first-gpu', '--write']);
  assert.equal(baked.code, 0, baked.stderr);
  assert.match(readFileSync(join(repo, 'mymlops.yml'), 'utf8'), /^ {4}snapshot: first-gpu$/m);
  if (hasGcloud) {
    const g = await runAsync('gcloud', ['compute', 'snapshots', 'describe', 'first-gpu', '--format=json'], {
      env,
      timeoutMs: 90_000,
    });
    assert.equal(g.code, 0, g.stderr);
    assert.equal((JSON.parse(g.stdout) as { status: string }).status, 'READY');
  }

  const doctor = await cli(['doctor']);
  assert.deepEqual(failed(doctor.stdout), [], doctor.stdout);
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);

  const fromSnapshot = await cli(['commit', 'notebooks/quick.ipynb', '-n', 'first']);
  assert.equal(fromSnapshot.code, 0, fromSnapshot.stderr + fromSnapshot.stdout);
  const id = /commit (\d{8}_\d{6})/.exec(fromSnapshot.stderr)![1]!;
  const meta = JSON.parse(outputFile(out, `${id}/metadata.json`)) as { status: string; accelerator: string };
  assert.equal(meta.status, 'succeeded');
  assert.equal(meta.accelerator, 'nvidia-tesla-t4');

  // The same commit booting the image family itself (the driver installs at first boot).
  const cfg = readFileSync(join(repo, 'mymlops.yml'), 'utf8').replace(
    /^ {4}snapshot: first-gpu$/m,
    `    image: ${FAMILY}`,
  );
  writeFileSync(join(tmp, 'from-image.yml'), cfg);
  const fromImage = await cli(['--config', join(tmp, 'from-image.yml'), 'commit', 'notebooks/quick.ipynb']);
  assert.equal(fromImage.code, 0, fromImage.stderr + fromImage.stdout);
  const id2 = /commit (\d{8}_\d{6})/.exec(fromImage.stderr)![1]!;
  assert.equal(JSON.parse(outputFile(out, `${id2}/metadata.json`)).status, 'succeeded');
});
