// Boot sources: instance.snapshot or instance.image as the insert body carries them, and when a
// Deep Learning VM image is asked to install the GPU driver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instanceBody } from '../../../src/adapters/backends/gce/instance-body.js';
import { bootSource, snapshotPath } from '../../../src/adapters/backends/gce/boot-source.js';
import { imagePath, installsDriver, parseImage } from '../../../src/core/boot-image.js';
import type { Instance } from '../../../src/config/types.js';
import type { AttachedDisk, Metadata } from '../../../src/adapters/gce/api-types.js';
import { GCE_INSTANCE, testCommitPlan } from '../../helpers/plans.js';

const DL = 'projects/deeplearning-platform-release/global/images/family/pytorch-latest-gpu';

test('image paths as the API takes them', () => {
  const rows: [string, string][] = [
    ['my-image', 'global/images/my-image'],
    ['family/my-fam', 'global/images/family/my-fam'],
    ['global/images/x', 'global/images/x'],
    [DL, DL],
    [
      'https://compute.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20240101',
      'https://compute.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20240101',
    ],
  ];
  for (const [given, want] of rows) assert.equal(imagePath(given), want, given);
  assert.equal(snapshotPath('s'), 'global/snapshots/s');
  assert.equal(snapshotPath('projects/o/global/snapshots/s'), 'projects/o/global/snapshots/s');
});

test('image references: project, family or name', () => {
  const rows: [string, ReturnType<typeof parseImage>][] = [
    ['my-image', { project: null, family: null, name: 'my-image' }],
    ['family/f', { project: null, family: 'f', name: null }],
    [DL, { project: 'deeplearning-platform-release', family: 'pytorch-latest-gpu', name: null }],
    [
      'https://compute.googleapis.com/compute/v1/projects/debian-cloud/global/images/d-12',
      { project: 'debian-cloud', family: null, name: 'd-12' },
    ],
  ];
  for (const [given, want] of rows) assert.deepEqual(parseImage(given), want, given);
});

test('the driver is asked for only with GPUs on a Deep Learning VM image', () => {
  const rows: [string | null, string, string | null, boolean][] = [
    [DL, 'n1-standard-8', 'nvidia-tesla-t4', true],
    [DL, 'n1-standard-8', null, false],
    [DL, 'g2-standard-4', null, true],
    ['projects/debian-cloud/global/images/family/debian-12', 'n1-standard-8', 'nvidia-tesla-t4', false],
    [null, 'n1-standard-8', 'nvidia-tesla-t4', false],
  ];
  for (const [image, machine_type, accelerator, want] of rows)
    assert.equal(
      installsDriver({ image, machine_type, accelerator }),
      want,
      `${image} ${machine_type} ${accelerator}`,
    );
});

const base: Instance = { ...GCE_INSTANCE, snapshot: null };

function body(inst: Partial<Instance>): { disk: AttachedDisk; metadata: Metadata } {
  const plan = testCommitPlan('20241107_035340', { keys: {}, instance: { ...base, ...inst } });
  const b = instanceBody({
    plan,
    project: 'p',
    zone: 'us-east1-c',
    gcp: { project: 'p', network: null, subnetwork: null, service_account: 'default' },
    keys: {},
  });
  return { disk: b.disks![0]!, metadata: b.metadata! };
}

test('insert body: the boot disk from a snapshot or an image, the driver key for a DLVM with a GPU', () => {
  const rows: [Partial<Instance>, Record<string, string>, string | undefined][] = [
    [{ snapshot: 'ml-base' }, { sourceSnapshot: 'global/snapshots/ml-base' }, undefined],
    [{ image: DL }, { sourceImage: DL }, 'True'],
    [{ image: DL, accelerator: null }, { sourceImage: DL }, undefined],
    [{ image: DL, accelerator: null, machine_type: 'g2-standard-4' }, { sourceImage: DL }, 'True'],
    [{ image: 'family/mine' }, { sourceImage: 'global/images/family/mine' }, undefined],
  ];
  for (const [inst, source, driver] of rows) {
    const { disk, metadata } = body(inst);
    const p = disk.initializeParams as Record<string, unknown>;
    assert.deepEqual(
      { sourceImage: p['sourceImage'], sourceSnapshot: p['sourceSnapshot'] },
      { sourceImage: undefined, sourceSnapshot: undefined, ...source },
      JSON.stringify(inst),
    );
    assert.equal(metadata.items?.find((i) => i.key === 'install-nvidia-driver')?.value, driver);
  }
});

test('bootSource: an image wins only when set', () => {
  assert.deepEqual(bootSource({ snapshot: 's', image: null }), { sourceSnapshot: 'global/snapshots/s' });
  assert.deepEqual(bootSource({ snapshot: null, image: 'i' }), { sourceImage: 'global/images/i' });
});

test('the baking VM: image, driver key, setup, and never a URL credential in metadata', async () => {
  const { bakerBody } = await import('../../../src/adapters/backends/gce/image-bake.js');
  const b = bakerBody(
    {
      name: 'baked-vm',
      image: DL,
      instance: { ...base, image: DL },
      setup: 'pip install -r requirements.txt',
      repository: { url: 'https://alice:ghp_S3cret@example.com/me/code.git', branch: 'main' },
    },
    'p',
    'us-east1-c',
    { project: 'p', network: null, subnetwork: null, service_account: 'default' },
    null,
  );
  const md = Object.fromEntries((b.metadata?.items ?? []).map((i) => [i.key, i.value]));
  assert.equal(md['install-nvidia-driver'], 'True');
  assert.equal(md['mymlops-image-setup'], 'pip install -r requirements.txt');
  assert.equal(md['mymlops-image-repo-url'], 'https://example.com/me/code.git');
  assert.equal(md['mymlops-image-repo-branch'], 'main');
  assert.ok(!JSON.stringify(b).includes('ghp_S3cret'));
  assert.equal(b.disks?.[0]?.initializeParams?.sourceImage, DL);
  assert.equal(b.scheduling?.provisioningModel, 'STANDARD');
  assert.equal(b.scheduling?.onHostMaintenance, 'TERMINATE');
});
