// `mymlops image create` on the simulator: a Deep Learning VM family is booted with a GPU, the driver
// installed, image.setup run in a clone, the disk snapshotted (gcloud describes it) and the VM
// deleted; a failing setup and a Ctrl-C at every step leave no VM, and a VM that cannot be deleted
// is named with the command that deletes it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GceBackend } from '../../../src/adapters/backends/gce/gce.js';
import { createImage } from '../../../src/app/image/create.js';
import { loadConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import type { BakeStep } from '../../../src/core/image/bake.js';
import type { Baker } from '../../../src/core/ports/baker.js';
import { UserError } from '../../../src/errors.js';
import { runAsync } from '../../helpers/cli.js';
import { userRepo } from '../../helpers/git-repo.js';
import { hasGcloud, type SimEnv, simConfigYaml, startSim } from '../../helpers/gce-sim.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-image-create-'));
let s: SimEnv;
let repo: string;
let n = 0;

before(async () => {
  s = await startSim(tmp, { driverInstallMs: 300 });
  repo = userRepo(join(tmp, 'repo'));
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function config(setup: string): Config {
  const dir = join(tmp, `cfg${n++}`);
  const file = join(dir, 'mymlops.yml');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `${simConfigYaml({ command: 'true', origin: repo, out: join(tmp, 'out.git'), accelerator: 'nvidia-tesla-t4' })}image:\n  setup: ${JSON.stringify(setup)}\n`,
  );
  return loadConfig({ file });
}

const backend = () =>
  new GceBackend({
    env: { ...process.env, ...s.env, MYMLOPS_GCE_LOG_POLL_MS: '50' },
    home: s.home,
    notify: () => {},
  });
const liveVms = () =>
  [...s.sim.compute.world.instances.values()].filter((i) => !i.deleted).map((i) => i.name);

describe('mymlops image create on the simulator', () => {
  it('bakes a snapshot from the Deep Learning VM family: driver, setup in a clone, snapshot, VM deleted', async () => {
    const cfg = config('test -f notebooks/quick.ipynb && echo "setup ran in the clone"');
    const lines: string[] = [];
    const steps: string[] = [];
    const r = await createImage(
      cfg,
      { name: 'baked-ok', tty: false, write: true },
      {
        baker: await backend().baker(),
        now: () => new Date(),
        say: (l) => {
          lines.push(l);
          if (l.startsWith('mymlops: ') && !l.includes('baking')) steps.push(l.slice(9));
        },
        signal: new AbortController().signal,
      },
    );
    assert.equal(r.snapshot, 'baked-ok');
    assert.equal(r.image, 'projects/deeplearning-platform-release/global/images/family/pytorch-latest-gpu');
    assert.deepEqual(steps, [
      'creating the VM',
      'booting',
      'installing the GPU driver (first boot)',
      'running image.setup',
      'stopping the VM',
      'taking the disk snapshot',
      'deleting the VM',
    ]);
    assert.deepEqual(liveVms(), []);
    const snap = s.sim.compute.world.snapshots.get('baked-ok');
    assert.equal(snap?.body.status, 'READY');
    assert.equal(snap?.driverInstalled, true);
    assert.match(
      readFileSync(cfg.file, 'utf8'),
      /^ {4}snapshot: baked-ok$/m,
      '--write puts the line in mymlops.yml',
    );
    if (hasGcloud) {
      const g = await runAsync(
        'gcloud',
        ['compute', 'snapshots', 'describe', 'baked-ok', '--format=value(status,sourceDisk.basename())'],
        {
          env: { ...process.env, ...s.gcloudEnv },
          timeoutMs: 90_000,
        },
      );
      assert.equal(g.code, 0, g.stderr);
      assert.equal(g.stdout.trim().split(/\s+/)[0], 'READY');
    }
  });

  it('a failing image.setup deletes the VM and says so', async () => {
    const lines: string[] = [];
    await assert.rejects(
      createImage(
        config('exit 7'),
        { name: 'baked-fail', tty: false },
        {
          baker: await backend().baker(),
          now: () => new Date(),
          say: (l) => lines.push(l),
          signal: new AbortController().signal,
        },
      ),
      (e) => e instanceof UserError && /image\.setup failed \(exit status 7\)/.test(e.message),
    );
    assert.deepEqual(liveVms(), []);
    assert.ok(
      lines.some((l) => l.includes('deleted baked-fail-vm')),
      lines.join('\n'),
    );
    assert.equal(s.sim.compute.world.snapshots.has('baked-fail'), false);
  });

  // Ctrl-C at each step: the VM that exists by then is deleted before the command ends.
  const steps: (BakeStep | 'created')[] = [
    'created',
    'booting',
    'driver',
    'setup',
    'stopping',
    'snapshotting',
  ];
  for (const at of steps)
    it(`Ctrl-C at "${at}" leaves no VM`, async () => {
      const real = await backend().baker();
      const abort = new AbortController();
      const baker: Baker = {
        create: async (r, onCreating) => {
          const vm = await real.create(r, onCreating);
          if (at === 'created') abort.abort();
          return vm;
        },
        waitSetup: (vm, driver, onStep, signal) =>
          real.waitSetup(
            vm,
            driver,
            (st) => {
              onStep(st);
              if (st === at) abort.abort();
            },
            signal,
          ),
        stop: async (vm) => {
          if (at === 'stopping') abort.abort();
          await real.stop(vm);
        },
        snapshot: async (vm, name) => {
          if (at === 'snapshotting') abort.abort();
          await real.snapshot(vm, name);
        },
        deleteVm: (vm) => real.deleteVm(vm),
      };
      const lines: string[] = [];
      await assert.rejects(
        createImage(
          config('sleep 0.3'),
          { name: `baked-int-${at}`, tty: false },
          { baker, now: () => new Date(), say: (l) => lines.push(l), signal: abort.signal },
        ),
        (e) => e instanceof UserError && e.exitCode === 130,
      );
      assert.deepEqual(liveVms(), [], lines.join('\n'));
      assert.ok(
        lines.some((l) => l.includes(`deleted baked-int-${at}-vm`)),
        lines.join('\n'),
      );
    });

  it('a VM that cannot be deleted is named with the command that deletes it', async () => {
    const real = await backend().baker();
    const abort = new AbortController();
    const baker: Baker = {
      ...real,
      create: (r, o) => real.create(r, o),
      waitSetup: async () => {
        abort.abort();
        return 0;
      },
      stop: (vm) => real.stop(vm),
      snapshot: (vm, name) => real.snapshot(vm, name),
      deleteVm: async () => {
        throw new Error('HTTP 503');
      },
    };
    const lines: string[] = [];
    await assert.rejects(
      createImage(
        config('true'),
        { name: 'baked-stuck', tty: false },
        { baker, now: () => new Date(), say: (l) => lines.push(l), signal: abort.signal },
      ),
    );
    assert.ok(
      lines.some(
        (l) =>
          l.includes('gcloud compute instances delete baked-stuck-vm --zone us-') &&
          l.includes('--project mymlops-test'),
      ),
      lines.join('\n'),
    );
    const left = [...s.sim.compute.world.instances.values()].find(
      (i) => !i.deleted && i.name === 'baked-stuck-vm',
    );
    assert.ok(left, 'the VM is still there, as the message says');
    await real.deleteVm({ project: 'mymlops-test', zone: left.zone, name: left.name });
  });
});
