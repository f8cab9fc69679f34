// The real gcloud as a second client of the simulator: the original tool's exact `instances create`
// (spot, one GPU, a boot disk from a snapshot, no --maintenance-policy), then list, describe,
// add-metadata, get-serial-port-output, stop, start, operations list, accelerator-types list and
// delete — after each, what mymlops's own client and listing read back must agree.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listMachines } from '../../../src/adapters/backends/gce/listing.js';
import { commitMetadata } from '../../../src/adapters/backends/gce/machines.js';
import type { GceClient } from '../../../src/adapters/gce/client.js';
import { GceApiError } from '../../../src/adapters/gce/errors.js';
import { gcloudOk, hasGcloud, type SimEnv, simClient, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gcloud-client-'));
const Z = 'us-west1-a';
const NAME = 'mymlops-20250101-000000';
let s: SimEnv;
let client: GceClient;
let env: NodeJS.ProcessEnv;

before(async () => {
  s = await startSim(tmp);
  env = { ...process.env, ...s.gcloudEnv };
  client = simClient(s);
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const gcloud = (...args: string[]) => gcloudOk(env, ['compute', ...args]);
const ours = async () =>
  (await listMachines(client, () => {}, { home: s.home })).find((m) => m.name === NAME);

describe('gcloud against the simulator', { skip: !hasGcloud && 'gcloud is not installed' }, () => {
  it("runs the original tool's commands; mymlops reads back the same VM", async () => {
    const script = join(tmp, 'startup.sh');
    writeFileSync(
      script,
      `trap 'echo term > "$MYMLOPS_VM_ROOT/term"; exit 0' TERM\necho "hello from the guest" > "$MYMLOPS_SERIAL_DEVICE"\nwhile :; do sleep 0.1; done\n`,
    );
    // The original's create: spot, one GPU, a 100 GB pd-ssd boot disk from a snapshot, its label and
    // metadata, and no --maintenance-policy (spot VMs can only TERMINATE).
    await gcloud(
      'instances',
      'create',
      NAME,
      `--zone=${Z}`,
      '--machine-type=n1-standard-4',
      '--provisioning-model=SPOT',
      '--accelerator=type=nvidia-tesla-t4,count=1',
      '--create-disk=auto-delete=yes,boot=yes,size=100GB,type=pd-ssd,source-snapshot=my-snapshot',
      '--labels=mymlops=commit',
      `--metadata-from-file=startup-script=${script}`,
      '--metadata=mymlops-commit=20250101_000000,mymlops-notes=first',
    );
    const created = await waitFor(
      async () => {
        const m = await ours();
        return m?.state === 'running' ? m : null;
      },
      { what: 'the VM to run' },
    );
    assert.equal(created.kind, 'commit');
    assert.equal(created.commitId, '20250101_000000');
    assert.equal(created.machineType, 'n1-standard-4');
    assert.equal(created.accelerator, 'nvidia-tesla-t4');
    assert.equal(created.zone, Z);

    const listed = JSON.parse(
      await gcloud('instances', 'list', '--filter=labels.mymlops:*', '--format=json'),
    );
    assert.deepEqual(
      listed.map((i: { name: string }) => i.name),
      [NAME],
    );
    const described = JSON.parse(await gcloud('instances', 'describe', NAME, `--zone=${Z}`, '--format=json'));
    const mine = await client.getInstance(Z, NAME);
    assert.deepEqual(described.scheduling, mine.scheduling);
    assert.equal(mine.scheduling?.provisioningModel, 'SPOT');
    assert.equal(mine.scheduling?.onHostMaintenance, 'TERMINATE');
    assert.equal(mine.scheduling?.preemptible, true);
    assert.equal(mine.disks?.[0]?.diskSizeGb, '100');

    // Several times: each write makes a new random fingerprint, which gcloud sends back URL-safe
    // encoded (a bytes field) — any of them must be taken as the same fingerprint.
    for (let i = 0; i < 8; i++)
      await gcloud('instances', 'add-metadata', NAME, `--zone=${Z}`, `--metadata=mymlops-notes=n${i}`);
    await gcloud('instances', 'add-metadata', NAME, `--zone=${Z}`, '--metadata=mymlops-notes=second');
    const notes = commitMetadata(await client.getInstance(Z, NAME));
    assert.equal(notes['notes'], 'second');
    assert.equal(notes['commit'], '20250101_000000', 'add-metadata keeps the other keys');

    const serial = await waitFor(
      async () => {
        const out = await gcloud('instances', 'get-serial-port-output', NAME, `--zone=${Z}`);
        return out.includes('hello from the guest') ? out : null;
      },
      { what: 'the guest output through gcloud' },
    );
    const read = await client.serialPort(Z, NAME, 0);
    assert.ok(serial.includes('hello from the guest') && read.contents.includes('hello from the guest'));

    await gcloud('instances', 'stop', NAME, `--zone=${Z}`);
    assert.equal((await client.getInstance(Z, NAME)).status, 'TERMINATED');
    // The guest agent's startup unit (KillMode=process) signals its script runner, not the script.
    assert.equal(
      existsSync(join(s.sim.compute.world.instances.get(`${Z}/${NAME}`)!.sandbox, 'term')),
      false,
      'the startup script got no SIGTERM',
    );
    const stopped = await ours();
    assert.deepEqual([stopped?.state, stopped?.reason], ['stopped', 'stopped']);

    await gcloud('instances', 'start', NAME, `--zone=${Z}`);
    assert.equal((await client.getInstance(Z, NAME)).status, 'RUNNING');
    await s.preempt(NAME);
    await waitFor(async () => (await ours())?.reason === 'preempted', {
      what: 'mymlops to see the preemption',
    });
    const ops = JSON.parse(
      await gcloud(
        'operations',
        'list',
        `--zones=${Z}`,
        '--filter=operationType=compute.instances.preempted',
        '--format=json',
      ),
    );
    assert.equal(ops.length, 1);
    assert.match(ops[0].targetLink, new RegExp(`/instances/${NAME}$`));

    const accel = (
      await gcloud('accelerator-types', 'list', '--filter=name=nvidia-tesla-t4', '--format=value(zone)')
    )
      .trim()
      .split('\n')
      .map((z) => z.split('/').pop())
      .sort();
    const viaClient = (await client.acceleratorZones('nvidia-tesla-t4')).map((x) => x.zone).sort();
    assert.deepEqual(accel, viaClient);
    assert.ok(viaClient.includes(Z));

    await gcloud('instances', 'delete', NAME, `--zone=${Z}`, '--quiet');
    await assert.rejects(client.getInstance(Z, NAME), (e) => e instanceof GceApiError && e.status === 404);
    assert.equal(await ours(), undefined);
  });
});
