// From an image to a GPU commit, as a user runs it (built CLI) on the simulator: `mymlops image
// create --write` bakes a snapshot from the Deep Learning VM family (gcloud describes it) and a GPU
// commit boots from it; the same commit with instance.image (the family itself) succeeds too, and
// its --dry-run names the image the family resolves to.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { BIN, ensureBuilt, runAsync, runCliAsync } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { hasGcloud, type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { bareRepo, FAKE_COMMAND, git, outputFile, userRepo } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-image-'));
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const FAMILY = 'projects/deeplearning-platform-release/global/images/family/pytorch-latest-gpu';
let s: SimEnv;

before(async () => {
  s = await startSim(tmp, { driverInstallMs: 300 });
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  // image.setup runs in a clone of commit.repository: the code is on its branch.
  git(repo, 'push', '-q', origin, 'master');
  writeFileSync(
    join(repo, 'mymlops.yml'),
    `${simConfigYaml({ command: FAKE_COMMAND, origin, out, accelerator: 'nvidia-tesla-t4' })}image:\n  setup: "test -f notebooks/quick.ipynb"\n`,
  );
  writeFileSync(
    join(repo, 'from-image.yml'),
    simConfigYaml({ command: FAKE_COMMAND, origin, out, accelerator: 'nvidia-tesla-t4' }).replace(
      'snapshot: mymlops-base',
      `image: ${FAMILY}`,
    ),
  );
});
after(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ ...process.env, ...s.env, MYMLOPS_GCE_LOG_POLL_MS: '50' });
const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env: env() });
const idOf = (text: string): string => /commit (\d{8}_\d{6})/.exec(text)![1]!;
const liveVms = () => [...s.sim.compute.world.instances.values()].filter((i) => !i.deleted);

describe('from an image to a GPU commit (simulator)', () => {
  it('Ctrl-C (SIGINT) while the driver installs deletes the VM and exits 130', async () => {
    ensureBuilt();
    // A driver install long enough to be interrupted in.
    s.sim.compute.opts.driverInstallMs = 60_000;
    const child = spawn(process.execPath, [BIN, 'image', 'create', '--name', 'baked-sigint'], {
      cwd: repo,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.stdout.resume();
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor(() => err.includes('installing the GPU driver (first boot)'), { what: 'the driver step' });
    assert.equal(liveVms().length, 1);
    child.kill('SIGINT');
    const code = await done;
    s.sim.compute.opts.driverInstallMs = 300;
    assert.equal(code, 130, err);
    assert.deepEqual(liveVms(), [], err);
    assert.match(err, /deleted baked-sigint-vm/);
    assert.equal(s.sim.compute.world.snapshots.has('baked-sigint'), false);
  });

  it('image create --write bakes a snapshot; a GPU commit boots from it', async () => {
    const baked = await cli(['image', 'create', '--name', 'baked-e2e', '--write']);
    assert.equal(baked.code, 0, baked.stderr);
    assert.match(baked.stdout, /snapshot baked-e2e is ready; mymlops\.yml now boots from it/);
    assert.match(readFileSync(join(repo, 'mymlops.yml'), 'utf8'), /^ {4}snapshot: baked-e2e$/m);
    assert.deepEqual(liveVms(), [], 'the baking VM is deleted');
    if (hasGcloud) {
      const g = await runAsync('gcloud', ['compute', 'snapshots', 'describe', 'baked-e2e', '--format=json'], {
        env: { ...process.env, ...s.gcloudEnv },
        timeoutMs: 90_000,
      });
      assert.equal(g.code, 0, g.stderr);
      const snap = JSON.parse(g.stdout) as { status: string; sourceDisk: string };
      assert.equal(snap.status, 'READY');
      assert.match(snap.sourceDisk, /\/disks\/baked-e2e-vm$/);
    }
    const r = await cli(['commit', 'notebooks/quick.ipynb']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    assert.equal(JSON.parse(outputFile(out, `${id}/metadata.json`)).status, 'succeeded');
  });

  it('with instance.image the commit boots the family; --dry-run names the image it resolves to', async () => {
    const dry = await cli([
      '--config',
      join(repo, 'from-image.yml'),
      'commit',
      'notebooks/quick.ipynb',
      '--dry-run',
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^boot image http\S+\/projects\/deeplearning-platform-release\/global\/images\/pytorch-latest-gpu-v\d+$/m,
    );
    const r = await cli(['--config', join(repo, 'from-image.yml'), 'commit', 'notebooks/quick.ipynb']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    assert.equal(JSON.parse(outputFile(out, `${id}/metadata.json`)).status, 'succeeded');
    const vm = [...s.sim.compute.world.instances.values()].find(
      (i) => i.name === `mymlops-${id.replace('_', '-')}`,
    );
    assert.equal(vm?.body.metadata?.items?.find((i) => i.key === 'install-nvidia-driver')?.value, 'True');
    assert.match(vm?.serial.read(0).contents ?? '', /NVIDIA driver installed/);
  });
});
