import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  checkMetadataSize,
  instanceBody,
  keyContents,
  labelValue,
  maxRunSeconds,
  metadataItems,
  networkInterface,
  schedulingOf,
} from '../../../src/adapters/backends/gce/instance-body.js';
import { toMachine } from '../../../src/adapters/backends/gce/machines.js';
import { machineState } from '../../../src/adapters/gce/vm-status.js';
import { devStartupScript } from '../../../src/adapters/backends/gce/dev-startup-script.js';
import { startupScript, VM_DONE_MARKER } from '../../../src/adapters/backends/gce/startup-script.js';
import type { LaunchPlan } from '../../../src/core/ports/backend.js';
import type { InstanceResource } from '../../../src/adapters/gce/client.js';
import { testCommitPlan } from '../../helpers/plans.js';

const gcp = {
  project: 'p',
  network: null,
  subnetwork: null,
  service_account: 'default',
};
const plan: LaunchPlan = testCommitPlan('20241107_035340', {
  jobScript: '#!/bin/bash\necho job\n',
  keys: {},
  instance: {
    zone_regex: 'us-.*',
    machine_type: 'n1-standard-8',
    snapshot: 'ml-base',
    image: null,
    accelerator: 'nvidia-tesla-t4',
    accelerator_count: 2,
    disk_size_gb: 200,
    disk_type: 'pd-balanced',
    spot: true,
  },
  metadata: { commit: '20241107_035340', notes: 'n', 'job-script': 'must not override' },
  maxDurationSeconds: 86400,
});

test('insert body: spot, GPU, snapshot disk, labels, metadata', () => {
  const b = instanceBody({
    plan,
    project: 'p',
    zone: 'us-east1-c',
    gcp,
    keys: { repository: 'KEY' },
  }) as Record<string, any>;
  assert.equal(b['name'], 'mymlops-20241107-035340');
  assert.equal(b['machineType'], 'zones/us-east1-c/machineTypes/n1-standard-8');
  assert.deepEqual(b['scheduling'], {
    provisioningModel: 'SPOT',
    instanceTerminationAction: 'STOP',
    onHostMaintenance: 'TERMINATE',
    automaticRestart: false,
    maxRunDuration: { seconds: String(maxRunSeconds(plan)) },
  });
  assert.deepEqual(b['guestAccelerators'], [
    { acceleratorType: 'projects/p/zones/us-east1-c/acceleratorTypes/nvidia-tesla-t4', acceleratorCount: 2 },
  ]);
  assert.deepEqual(b['disks'][0].initializeParams, {
    sourceSnapshot: 'global/snapshots/ml-base',
    diskSizeGb: '200',
    diskType: 'zones/us-east1-c/diskTypes/pd-balanced',
  });
  assert.equal(b['disks'][0].autoDelete, true);
  // the VM sees its boot disk as /dev/disk/by-id/google-mymlops, as with the original tool
  assert.equal(b['disks'][0].deviceName, 'mymlops');
  assert.deepEqual(b['labels'], { mymlops: 'commit', 'mymlops-commit': '20241107_035340' });
  const items = Object.fromEntries(
    (b['metadata'].items as { key: string; value: string }[]).map((i) => [i.key, i.value]),
  );
  assert.equal(items['mymlops-commit'], '20241107_035340');
  assert.equal(items['mymlops-notes'], 'n');
  assert.equal(
    items['mymlops-job-script'],
    plan.jobScript,
    'reserved keys are not overridden by plan metadata',
  );
  assert.deepEqual(JSON.parse(items['mymlops-job-json']!), plan.jobConfig, 'job.json lands as planned');
  assert.equal(items['mymlops-key-repository'], 'KEY');
  assert.equal(items['mymlops-keep'], 'false');
  assert.equal(items['mymlops-max-duration'], '86400');
  assert.match(items['startup-script']!, /^#!\/bin\/bash/);
  assert.deepEqual(b['networkInterfaces'][0].accessConfigs, [
    { type: 'ONE_TO_ONE_NAT', name: 'External NAT' },
  ]);
});

test('scheduling per the reference: spot and GPU VMs terminate, standard ones migrate and restart', () => {
  const commit = (
    instance: Partial<NonNullable<LaunchPlan['instance']>>,
    maxDurationSeconds: number | null = null,
  ) => ({ ...plan, maxDurationSeconds, instance: { ...plan.instance!, ...instance } }) as LaunchPlan;
  const dev = (instance: Partial<NonNullable<LaunchPlan['instance']>>) =>
    ({ ...commit(instance), kind: 'start', commitId: null }) as unknown as LaunchPlan;
  const terminate = { onHostMaintenance: 'TERMINATE', automaticRestart: false };
  const migrate = { onHostMaintenance: 'MIGRATE', automaticRestart: true };
  const spot = { provisioningModel: 'SPOT', instanceTerminationAction: 'STOP', ...terminate };
  const table: [string, LaunchPlan, Record<string, unknown>][] = [
    ['spot + T4', commit({ spot: true }), spot],
    ['spot, no GPU', commit({ spot: true, accelerator: null }), spot],
    ['standard + T4', commit({ spot: false }), { provisioningModel: 'STANDARD', ...terminate }],
    [
      'standard a2 (GPUs in the type)',
      commit({ spot: false, accelerator: null, machine_type: 'a2-highgpu-1g' }),
      { provisioningModel: 'STANDARD', ...terminate },
    ],
    [
      'standard a3',
      commit({ spot: false, accelerator: null, machine_type: 'a3-highgpu-8g' }),
      { provisioningModel: 'STANDARD', ...terminate },
    ],
    [
      'standard g2',
      commit({ spot: false, accelerator: null, machine_type: 'g2-standard-8' }),
      { provisioningModel: 'STANDARD', ...terminate },
    ],
    [
      'standard n1, no GPU',
      commit({ spot: false, accelerator: null }),
      { provisioningModel: 'STANDARD', ...migrate },
    ],
    [
      'standard g1-small (no GPU)',
      commit({ spot: false, accelerator: null, machine_type: 'g1-small' }),
      { provisioningModel: 'STANDARD', ...migrate },
    ],
    [
      'dev VM, standard e2',
      dev({ spot: false, accelerator: null, machine_type: 'e2-standard-4' }),
      { provisioningModel: 'STANDARD', ...migrate },
    ],
  ];
  for (const [name, p, want] of table) assert.deepEqual(schedulingOf(p), want, name);
});

test('max_duration becomes maxRunDuration (plus the time to publish) with a STOP, for commit VMs only', () => {
  const job = plan.jobConfig as { shutdown_grace?: number; publish_retry?: number };
  for (const spot of [true, false]) {
    const p = { ...plan, instance: { ...plan.instance!, spot, accelerator: null } } as LaunchPlan;
    const s = schedulingOf(p);
    assert.equal(s.instanceTerminationAction, 'STOP', 'the disk keeps an unpublished result');
    const seconds = Number(s.maxRunDuration?.seconds);
    assert.ok(seconds > 86400 + (job.shutdown_grace ?? 20) + (job.publish_retry ?? 300), String(seconds));
    assert.ok(seconds < 86400 + 3600, 'a VM whose job never starts stops within the hour after');
  }
  assert.equal(schedulingOf({ ...plan, maxDurationSeconds: null }).maxRunDuration, undefined);
  assert.equal(maxRunSeconds({ ...plan, kind: 'start', commitId: null } as unknown as LaunchPlan), null);
});

test('insert body: standard provisioning without spot, no GPU', () => {
  const p2 = { ...plan, instance: { ...plan.instance!, spot: false, accelerator: null } };
  const b = instanceBody({
    plan: p2,
    project: 'p',
    zone: 'z-a',
    gcp: { ...gcp, subnetwork: { r: 'regions/r/subnetworks/s' } },
    keys: {},
  }) as Record<string, any>;
  assert.equal(b['scheduling'].provisioningModel, 'STANDARD');
  assert.equal(b['guestAccelerators'], undefined);
});

const nat = [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT' }];
const subnetCases: {
  name: string;
  network: string | null;
  subnetwork: Record<string, string> | null;
  zone: string;
  want: Record<string, unknown> | RegExp;
}[] = [
  {
    name: 'nothing configured: the default network',
    network: null,
    subnetwork: null,
    zone: 'us-east1-c',
    want: { network: 'global/networks/default', accessConfigs: nat },
  },
  {
    name: 'a subnetwork alone: no network (the API infers it)',
    network: null,
    subnetwork: { 'us-east1': 'regions/us-east1/subnetworks/ml' },
    zone: 'us-east1-c',
    want: { subnetwork: 'regions/us-east1/subnetworks/ml', accessConfigs: nat },
  },
  {
    name: 'network and subnetwork both configured: both sent',
    network: 'global/networks/vpc',
    subnetwork: { 'us-east1': 'regions/us-east1/subnetworks/ml' },
    zone: 'us-east1-b',
    want: {
      network: 'global/networks/vpc',
      subnetwork: 'regions/us-east1/subnetworks/ml',
      accessConfigs: nat,
    },
  },
  {
    name: "a map: the zone's region picks",
    network: null,
    subnetwork: {
      'us-east1': 'regions/us-east1/subnetworks/a',
      'europe-west4': 'regions/europe-west4/subnetworks/b',
    },
    zone: 'europe-west4-a',
    want: { subnetwork: 'regions/europe-west4/subnetworks/b', accessConfigs: nat },
  },
  {
    name: 'the dry-run placeholder zone: every subnetwork named',
    network: null,
    subnetwork: {
      'us-east1': 'regions/us-east1/subnetworks/a',
      'us-west1': 'regions/us-west1/subnetworks/b',
    },
    zone: '<zone chosen at launch>',
    want: {
      subnetwork: 'regions/us-east1/subnetworks/a | regions/us-west1/subnetworks/b',
      accessConfigs: nat,
    },
  },
  {
    name: 'a zone of an unmapped region is refused (zone ranking never offers it)',
    network: null,
    subnetwork: { 'us-east1': 'regions/us-east1/subnetworks/a' },
    zone: 'us-west1-a',
    want: /no subnetwork for region us-west1 \(zone us-west1-a\)/,
  },
];

for (const c of subnetCases) {
  test(`network interface: ${c.name}`, () => {
    const g = { ...gcp, network: c.network, subnetwork: c.subnetwork };
    if (c.want instanceof RegExp) {
      assert.throws(() => networkInterface(g, c.zone), c.want);
      return;
    }
    assert.deepEqual(networkInterface(g, c.zone), c.want);
    const b = instanceBody({ plan, project: 'p', zone: c.zone, gcp: g, keys: {} });
    assert.deepEqual(b['networkInterfaces'], [c.want]);
  });
}

test('metadata limits name the value that is too big', () => {
  assert.throws(
    () => checkMetadataSize([{ key: 'mymlops-key-output', value: 'k'.repeat(257 * 1024) }]),
    /output_repository.deploy_key is 257 KiB/,
  );
  assert.throws(
    () => checkMetadataSize([1, 2, 3].map((i) => ({ key: `mymlops-x${i}`, value: 'v'.repeat(200 * 1024) }))),
    /601 KiB in total, over GCE's 512 KB limit/,
  );
  checkMetadataSize([{ key: 'mymlops-notes', value: 'v'.repeat(256 * 1024) }]);
});

test('helpers: label values', () => {
  assert.equal(labelValue('20241107_035340'), '20241107_035340');
  assert.equal(labelValue('A.b'), 'a-b');
});

test('the startup scripts as shipped: valid bash, the prelude inlined, the done marker printed', () => {
  for (const [name, script] of [
    ['commit', startupScript()],
    ['dev', devStartupScript()],
  ] as const) {
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.match(script, /^#!\/bin\/bash\n/, name);
    assert.ok(!script.includes('prelude.sh"'), `${name}: sources nothing on the VM`);
    assert.match(script, /\nscrub_keys\(\) \{\n/, `${name}: the prelude's helpers are inlined`);
  }
  // The CLI recognises the end of a commit VM's run by this line (serial-log.ts, cancel.ts).
  const marker = VM_DONE_MARKER.replace(/^mymlops-vm: /, '');
  assert.ok(startupScript().includes(`DONE_MARKER="${marker}"`));
  assert.match(startupScript(), /vm\(\) \{ echo "mymlops-vm: \$\*"; \}/);
});

test('instance status → machine state and reason', () => {
  const cases: [string, string][] = [
    ['PROVISIONING', 'provisioning'],
    ['STAGING', 'provisioning'],
    ['RUNNING', 'running'],
    ['STOPPING', 'stopping'],
    ['TERMINATED', 'stopped'],
    ['STOPPED', 'stopped'],
    ['SUSPENDED', 'stopped'],
  ];
  for (const [status, state] of cases) assert.equal(machineState(status), state, status);
  const inst: InstanceResource = {
    id: '1',
    name: 'mymlops-a',
    zone: 'https://x/zones/us-east1-c',
    status: 'TERMINATED',
    machineType: 'https://x/zones/us-east1-c/machineTypes/n1-standard-4',
    creationTimestamp: '2024-11-07T03:53:40.000-08:00',
    lastStopTimestamp: '2024-11-07T05:00:00.000-08:00',
    labels: { mymlops: 'commit', 'mymlops-commit': '20241107_115340' },
    metadata: {
      items: [
        { key: 'mymlops-notes', value: 'x' },
        { key: 'mymlops-key-output', value: 'SECRET' },
        { key: 'mymlops-job-json', value: '{}' },
        { key: 'startup-script', value: '#' },
      ],
    },
    guestAccelerators: [{ acceleratorType: 'https://x/acceleratorTypes/nvidia-l4', acceleratorCount: 1 }],
  };
  const m = toMachine('us-east1-c', inst, new Set(['us-east1-c/mymlops-a']));
  assert.ok(m.kind === 'commit');
  assert.equal(m.state, 'stopped');
  assert.equal(m.reason, 'preempted');
  assert.equal(m.commitId, '20241107_115340');
  assert.equal(m.accelerator, 'nvidia-l4');
  assert.equal(m.createdAt, '2024-11-07T11:53:40.000Z');
  const dev = toMachine('us-east1-c', { ...inst, labels: { mymlops: 'start' } }, new Set());
  assert.ok(dev.kind === 'start');
  assert.equal(dev.stoppedAt, '2024-11-07T13:00:00.000Z', 'delete_after counts from lastStopTimestamp');
  const up = toMachine('us-east1-c', { ...inst, status: 'RUNNING', labels: { mymlops: 'start' } }, new Set());
  assert.equal(up.kind === 'start' ? up.stoppedAt : 'not a dev machine', null);
  assert.deepEqual(m.metadata, { notes: 'x' });
  assert.equal(toMachine('us-east1-c', inst, new Set()).reason, 'stopped');
});

test("an original tool's VM: its commit id from its name when mymlops-commit holds something else", () => {
  const inst = {
    name: 'mymlops-20241107-035340',
    status: 'RUNNING',
    labels: { mymlops: 'commit' },
    metadata: { items: [{ key: 'mymlops-commit', value: 'a1b2c3d' }] },
  } as unknown as InstanceResource;
  const commitOf = (i: InstanceResource) => {
    const m = toMachine('us-east1-c', i, new Set());
    return m.kind === 'commit' ? m.commitId : 'not a commit machine';
  };
  assert.equal(commitOf(inst), '20241107_035340');
  const ours = { ...inst, metadata: { items: [{ key: 'mymlops-commit', value: '20241107_035341' }] } };
  assert.equal(commitOf(ours), '20241107_035341');
});

test('URL credentials travel as mymlops-key-*-cred items, placeholders in the preview', () => {
  const p = testCommitPlan('20241107_035340', {
    keys: { repository: '/k/repo' },
    credentials: { output: { username: 'alice', password: 'S3cr3tTok' } },
  });
  const read = (f: string) => `KEY OF ${f}`;
  assert.deepEqual(keyContents(p, read), {
    repository: 'KEY OF /k/repo',
    'output.cred': 'username=alice\npassword=S3cr3tTok\n',
  });
  const items = (keys: Record<string, string>) =>
    Object.fromEntries(
      metadataItems({ plan: p, project: 'p', zone: 'us-east1-c', gcp, keys })
        .filter((i) => i.key.startsWith('mymlops-key-'))
        .map((i) => [i.key, i.value]),
    );
  assert.deepEqual(items(keyContents(p, read)), {
    'mymlops-key-repository': 'KEY OF /k/repo',
    'mymlops-key-output-cred': 'username=alice\npassword=S3cr3tTok\n',
  });
  const preview = items(keyContents(p, null));
  assert.deepEqual(Object.keys(preview), ['mymlops-key-repository', 'mymlops-key-output-cred']);
  assert.doesNotMatch(JSON.stringify(preview), /S3cr3tTok|alice/);
  assert.doesNotMatch(JSON.stringify(p.jobConfig), /S3cr3tTok/);
});
