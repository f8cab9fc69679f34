// Images, image families and snapshots on the simulator, with the real gcloud as the second client:
// gcloud resolves a Deep Learning VM family and boots a GPU VM from it (the image installs the
// driver before the startup script, once), mymlops's client snapshots the stopped VM's boot disk,
// gcloud describes, lists and deletes the snapshot, and a VM from the snapshot skips the install.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GceClient } from '../../../src/adapters/gce/client.js';
import { GceApiError } from '../../../src/adapters/gce/errors.js';
import { gcloudOk, hasGcloud, type SimEnv, simClient, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-images-'));
const Z = 'us-west1-a';
const DL = 'deeplearning-platform-release';
let s: SimEnv;
let client: GceClient;
let env: NodeJS.ProcessEnv;

before(async () => {
  s = await startSim(tmp, { driverInstallMs: 400 });
  env = { ...process.env, ...s.gcloudEnv };
  client = simClient(s);
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const gcloud = (...args: string[]) => gcloudOk(env, ['compute', ...args]);

const serialOf = async (name: string) => (await client.serialPort(Z, name, 0)).contents;
const running = (name: string) =>
  waitFor(async () => ((await client.getInstance(Z, name)).status === 'RUNNING' ? true : null), {
    what: `${name} to run`,
  });

describe('images and snapshots on the simulator', { skip: !hasGcloud && 'gcloud is not installed' }, () => {
  it('a family resolves the same for gcloud and mymlops; an unknown one is 404', async () => {
    const g = JSON.parse(
      await gcloud(
        'images',
        'describe-from-family',
        'pytorch-latest-gpu',
        `--project=${DL}`,
        '--format=json',
      ),
    );
    const m = await client.getImage(`projects/${DL}/global/images/family/pytorch-latest-gpu`);
    assert.equal(g.name, m.name);
    assert.equal(g.family, 'pytorch-latest-gpu');
    assert.equal(m.status, 'READY');
    assert.match(String(m.selfLink), new RegExp(`/projects/${DL}/global/images/${m.name}$`));
    await assert.rejects(
      client.getImage(`projects/${DL}/global/images/family/no-such-family`),
      (e) => e instanceof GceApiError && e.status === 404,
    );
  });

  it('a DLVM first boot installs the driver before the startup script; the snapshot carries it', async () => {
    const script = join(tmp, 'startup.sh');
    writeFileSync(script, 'echo "startup script ran" > "$MYMLOPS_SERIAL_DEVICE"\n');
    await gcloud(
      'instances',
      'create',
      'baker',
      `--zone=${Z}`,
      '--machine-type=n1-standard-4',
      '--accelerator=type=nvidia-tesla-t4,count=1',
      '--maintenance-policy=TERMINATE',
      '--image-family=pytorch-latest-gpu',
      `--image-project=${DL}`,
      `--metadata-from-file=startup-script=${script}`,
      '--metadata=install-nvidia-driver=True',
    );
    const first = await waitFor(
      async () => {
        const out = await serialOf('baker');
        return out.includes('startup script ran') ? out : null;
      },
      { what: 'the startup script after the driver install' },
    );
    const installed = first.indexOf('NVIDIA driver installed');
    assert.ok(installed >= 0 && installed < first.indexOf('startup script ran'), first);
    const described = await client.getInstance(Z, 'baker');
    const disk = String(described.disks?.[0]?.source).split('/').pop()!;

    await client.waitOperation(Z, await client.stopInstance(Z, 'baker'));
    await client.waitOperation(Z, await client.createSnapshot(Z, disk, { name: 'baked-1' }));
    const snap = JSON.parse(await gcloud('snapshots', 'describe', 'baked-1', '--format=json'));
    assert.equal(snap.status, 'READY');
    assert.match(snap.sourceDisk, new RegExp(`/zones/${Z}/disks/${disk}$`));
    assert.equal(snap.diskSizeGb, described.disks?.[0]?.diskSizeGb);
    assert.deepEqual(snap, await client.getSnapshot('baked-1'));
    const listed = await gcloud('snapshots', 'list', '--format=value(name)');
    assert.deepEqual(listed.trim().split('\n'), ['baked-1']);
    await assert.rejects(
      client.createSnapshot(Z, disk, { name: 'baked-1' }),
      (e) => e instanceof GceApiError && e.status === 409,
    );
    // gcloud's own `snapshots create` (snapshots.insert with sourceDisk, a global operation).
    await gcloud('snapshots', 'create', 'baked-2', `--source-disk=${disk}`, `--source-disk-zone=${Z}`);
    assert.equal((await client.getSnapshot('baked-2')).status, 'READY');
    await gcloud('snapshots', 'delete', 'baked-2', '--quiet');
    // A VM from an image that does not exist: Google's 404 naming it.
    await assert.rejects(
      client.insertInstance(Z, {
        name: 'no-image',
        machineType: `zones/${Z}/machineTypes/n1-standard-4`,
        disks: [
          {
            boot: true,
            initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/nope' },
          },
        ],
        networkInterfaces: [{ network: 'global/networks/default' }],
      }),
      (e) =>
        e instanceof GceApiError &&
        e.status === 404 &&
        /debian-cloud\/global\/images\/family\/nope/.test(e.message),
    );

    await gcloud(
      'instances',
      'create',
      'from-snap',
      `--zone=${Z}`,
      '--machine-type=n1-standard-4',
      '--accelerator=type=nvidia-tesla-t4,count=1',
      '--maintenance-policy=TERMINATE',
      '--source-snapshot=baked-1',
      `--metadata-from-file=startup-script=${script}`,
      '--metadata=install-nvidia-driver=True',
    );
    await running('from-snap');
    const second = await waitFor(
      async () => {
        const out = await serialOf('from-snap');
        return out.includes('startup script ran') ? out : null;
      },
      { what: 'the startup script of the VM from the snapshot' },
    );
    assert.ok(!second.includes('install-nvidia-driver'), 'a baked disk does not install the driver again');

    await gcloud('snapshots', 'delete', 'baked-1', '--quiet');
    await assert.rejects(client.getSnapshot('baked-1'), (e) => e instanceof GceApiError && e.status === 404);
    const op = await client.deleteSnapshot('baked-1').catch((e: unknown) => e);
    assert.ok(op instanceof GceApiError && op.status === 404);
  });
});
