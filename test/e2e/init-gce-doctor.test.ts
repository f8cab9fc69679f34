// From a fresh project on the simulator, as a new user goes (built CLI, empty MYMLOPS_HOME, a
// repository with no mymlops.yml): `init --gce` writes the config and runs doctor, which names the
// missing GPU quota (GPUS_ALL_REGIONS 0, as in a new project) in one line; once the quota is raised
// in the simulator, doctor's quota check passes. gcloud says whether the simulator serves the
// snapshot, and so whether doctor may pass as a whole.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runAsync, runCliAsync } from '../helpers/cli.js';
import { type SimEnv, startSim } from '../helpers/gce-sim.js';
import { bareRepo, git, userRepo } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-init-gce-'));
const repo = join(tmp, 'repo');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'results.git');
let s: SimEnv;
let env: NodeJS.ProcessEnv;

before(async () => {
  s = await startSim(tmp);
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  git(repo, 'remote', 'add', 'origin', origin);
  git(repo, 'push', '-q', 'origin', 'master');
  env = { ...process.env, ...s.gcloudEnv };
  // A new project: no GPU anywhere until the quota is raised.
  await s.quotas({ project: { GPUS_ALL_REGIONS: 0 } });
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env });
const marked = (stdout: string, mark: string) => stdout.split('\n').filter((l) => l.startsWith(mark));

test('init --gce → doctor names the missing GPU quota; raised, the quota check passes', async () => {
  const init = await cli([
    'init',
    '--gce',
    '--output',
    out,
    '--snapshot',
    'mymlops-base',
    '--zone-regex',
    'us-.*',
  ]);
  assert.equal(init.code, 3, init.stderr);
  const yml = readFileSync(join(repo, 'mymlops.yml'), 'utf8');
  assert.match(yml, /project: "mymlops-test"/);
  assert.match(yml, new RegExp(`url: "${origin}"`));
  assert.ok(existsSync(join(repo, 'mymlops.schema.json')));
  const quotaLines = marked(init.stdout, '✘ GPU quota:');
  assert.equal(quotaLines.length, 1, init.stdout);
  assert.match(
    quotaLines[0]!,
    /GPUS_ALL_REGIONS allows 0 more GPU\(s\).*iam-admin\/quotas\?project=mymlops-test/,
  );

  const again = await cli(['init', '--gce', '--output', out]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);

  await s.quotas({ project: { GPUS_ALL_REGIONS: 4 } });
  const doctor = await cli(['doctor']);
  assert.match(doctor.stdout, /^✔ GPU quota: 1 × nvidia-tesla-t4 fit in us-central1/m);
  const snapshot = await runAsync('gcloud', ['compute', 'snapshots', 'describe', 'mymlops-base'], {
    env,
    timeoutMs: 90_000,
  });
  const failed = marked(doctor.stdout, '✘').map((l) => l.split(':')[0]);
  assert.deepEqual(failed, snapshot.code === 0 ? [] : ['✘ boot disk snapshot'], doctor.stdout);
  assert.equal(doctor.code, snapshot.code === 0 ? 0 : 3, doctor.stderr);
  const json = await cli(['doctor', '--json']);
  const parsed = JSON.parse(json.stdout) as { ready: boolean; checks: { id: string; state: string }[] };
  assert.equal(parsed.checks.find((c) => c.id === 'quota')?.state, 'ok');
  assert.equal(parsed.ready, snapshot.code === 0);
});

test('init --gce never writes the credentials of origin’s URL, and needs --output (which plain init refuses)', async () => {
  const other = join(tmp, 'token-repo');
  userRepo(other);
  git(other, 'remote', 'add', 'origin', 'https://someone:s3cr3t-token@127.0.0.1:9/code.git');
  const run = (args: string[]) => runCliAsync(args, { cwd: other, env });
  const local = await run(['init', '--output', out]);
  assert.equal(local.code, 2);
  assert.match(local.stderr, /--output applies to init --gce only/);
  const missing = await run(['init', '--gce']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /needs the output repository — pass --output URL/);
  assert.ok(!existsSync(join(other, 'mymlops.yml')));
  const r = await run(['init', '--gce', '--output', out, '--accelerator', 'none']);
  const yml = readFileSync(join(other, 'mymlops.yml'), 'utf8');
  assert.match(yml, /url: "https:\/\/127\.0\.0\.1:9\/code\.git"/);
  assert.doesNotMatch(yml + r.stdout + r.stderr, /s3cr3t-token/);
  assert.match(r.stderr, /credentials in origin's URL were left out/);
  // No GPU: no quota check; the unreachable code repository is what doctor names.
  assert.doesNotMatch(r.stdout, /GPU quota/);
  assert.match(r.stdout, /^✘ code repository: https:\/\/127\.0\.0\.1:9\/code\.git is not readable/m);
  assert.equal(r.code, 3);
});
