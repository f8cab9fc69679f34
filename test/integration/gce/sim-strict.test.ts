// The simulator is as strict as Compute Engine where leniency would hide our bugs: metadata
// fingerprints change on every write (a stale one gets 412 conditionNotMet, so a lost update cannot
// pass unseen), insert bodies are checked against the generated v1 types (unknown field, unknown
// enum value → 400), a stop while PROVISIONING leaves the VM TERMINATED, and
// scheduling.maxRunDuration is carried out even for a VM whose startup script never runs. The real
// gcloud is a second client where it can be.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { instanceBody } from '../../../src/adapters/backends/gce/instance-body.js';
import type { Instance } from '../../../src/adapters/gce/api-types.js';
import type { GceClient } from '../../../src/adapters/gce/client.js';
import { GceApiError } from '../../../src/adapters/gce/errors.js';
import type { LaunchPlan } from '../../../src/core/ports/backend.js';
import { runAsync } from '../../helpers/cli.js';
import { hasGcloud, PROJECT, type SimEnv, simClient, startSim } from '../../helpers/gce-sim.js';
import { testCommitPlan } from '../../helpers/plans.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-sim-strict-'));
const Z = 'us-west1-a';
let s: SimEnv;
let client: GceClient;

before(async () => {
  // Boot steps long enough for a stop to land while the VM is PROVISIONING.
  s = await startSim(tmp, { bootDelayMs: 300 });
  client = simClient(s);
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const gcloudEnv = () => ({ ...process.env, ...s.gcloudEnv });

const bare = (name: string, extra: Partial<Instance> = {}): Instance => ({
  name,
  machineType: `zones/${Z}/machineTypes/n1-standard-4`,
  disks: [{ boot: true, autoDelete: true, initializeParams: { sourceSnapshot: 'global/snapshots/s' } }],
  networkInterfaces: [{ network: 'global/networks/default' }],
  ...extra,
});

const rejected = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected an API error'),
    (e: unknown) => {
      assert.ok(e instanceof GceApiError, String(e));
      return e;
    },
  );

describe('simulator strictness', () => {
  it('fingerprints change on every write; a stale one is 412 conditionNotMet; concurrent writers both land', async () => {
    await client.waitOperation(Z, await client.insertInstance(Z, bare('fp-vm')));
    const before = (await client.getInstance(Z, 'fp-vm')).metadata?.fingerprint;
    await client.setMetadata(Z, 'fp-vm', { a: '1' });
    const after1 = (await client.getInstance(Z, 'fp-vm')).metadata?.fingerprint;
    await client.setMetadata(Z, 'fp-vm', { a: '1' });
    const after2 = (await client.getInstance(Z, 'fp-vm')).metadata?.fingerprint;
    assert.equal(new Set([before, after1, after2]).size, 3, 'a new fingerprint per write, same items or not');
    const stale = await rejected(
      client.request('POST', `zones/${Z}/instances/fp-vm/setMetadata`, {
        body: { fingerprint: before, items: [{ key: 'lost', value: 'x' }] },
      }),
    );
    assert.equal(stale.status, 412);
    assert.equal(stale.reason, 'conditionNotMet');
    // Two writers read the same fingerprint; the second write is refused and merged again.
    await Promise.all([
      client.setMetadata(Z, 'fp-vm', { one: '1' }),
      client.setMetadata(Z, 'fp-vm', { two: '2' }),
    ]);
    const keys = (await client.getInstance(Z, 'fp-vm')).metadata?.items?.map((i) => i.key);
    assert.deepEqual(keys?.sort(), ['a', 'one', 'two']);
  });

  it('insert bodies are checked against the v1 types: unknown fields and enum values are 400', async () => {
    const typo = await rejected(
      client.insertInstance(Z, { ...bare('typo-vm'), schedulng: { provisioningModel: 'SPOT' } } as Instance),
    );
    assert.equal(typo.status, 400);
    assert.match(typo.message, /Unknown name "schedulng" at 'instance_resource': Cannot find field/);
    const enumValue = await rejected(
      client.insertInstance(
        Z,
        bare('enum-vm', {
          scheduling: { instanceTerminationAction: 'STOPP' as never, provisioningModel: 'SPOT' },
        }),
      ),
    );
    assert.equal(enumValue.status, 400);
    assert.match(enumValue.message, /instance_resource\.scheduling\.instance_termination_action.*"STOPP"/);
    const nested = await rejected(
      client.insertInstance(Z, bare('nested-vm', { networkInterfaces: [{ netwrk: 'x' } as never] })),
    );
    assert.match(nested.message, /Unknown name "netwrk" at 'instance_resource\.network_interfaces\[0\]'/);
    assert.equal(s.sim.compute.world.instances.size, 1, 'none of them was created');
    // What mymlops sends passes, for every kind of VM it makes.
    const plans: LaunchPlan[] = [true, false].flatMap((spot) =>
      [null, 'nvidia-tesla-t4'].map((accelerator) =>
        testCommitPlan(`20250101_00000${spot ? 1 : 2}`, {
          instance: {
            zone_regex: 'us-.*',
            machine_type: 'n1-standard-4',
            snapshot: 'mymlops-base',
            image: null,
            accelerator,
            accelerator_count: 1,
            disk_size_gb: 100,
            disk_type: 'pd-ssd',
            spot,
          },
          maxDurationSeconds: 3600,
          keys: {},
        }),
      ),
    );
    for (const [i, plan] of plans.entries()) {
      const body = instanceBody({
        plan: { ...plan, machineName: `ours-${i}` },
        project: PROJECT,
        zone: Z,
        gcp: { project: PROJECT, network: null, subnetwork: null, service_account: 'default' },
        keys: {},
      });
      const op = await client.insertInstance(Z, body);
      await client.request('POST', `zones/${Z}/instances/ours-${i}/stop`);
      await client.waitOperation(Z, op);
    }
  });

  it('a stop while PROVISIONING wins: the VM ends TERMINATED and does not boot', async () => {
    const op = await client.insertInstance(Z, bare('early-stop'));
    assert.equal((await client.getInstance(Z, 'early-stop')).status, 'PROVISIONING');
    const stop = await client.request<{ name: string }>('POST', `zones/${Z}/instances/early-stop/stop`);
    await client.waitOperation(Z, stop as never);
    // The insert's operation finishes too (its power-on went no further).
    await client.waitOperation(Z, op);
    const vm = await client.getInstance(Z, 'early-stop');
    assert.equal(vm.status, 'TERMINATED');
    assert.equal(vm.lastStartTimestamp, undefined, 'it never ran');
    // It starts normally afterwards.
    await client.waitOperation(Z, await client.startInstance(Z, 'early-stop'));
    assert.equal((await client.getInstance(Z, 'early-stop')).status, 'RUNNING');
  });

  it("rate-limit faults answer in Google's shape: gcloud reads their message", {
    skip: !hasGcloud && 'gcloud is not installed',
  }, async () => {
    const said: Record<string, string> = {
      RATE_LIMIT_EXCEEDED: 'Rate Limit Exceeded',
      QUOTA_PER_MINUTE: "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'",
    };
    for (const [code, message] of Object.entries(said)) {
      await s.fault(null, code, { path: '/instances/fp-vm$', times: 1 });
      const r = await runAsync(
        'gcloud',
        ['compute', 'instances', 'describe', 'fp-vm', `--zone=${Z}`, '--format=value(name)'],
        { env: gcloudEnv(), timeoutMs: 90_000 },
      );
      assert.equal(r.code, 1, r.stdout);
      assert.ok(r.stderr.includes(` - ${message}`), r.stderr);
      await s.clearFaults();
    }
  });

  it('maxRunDuration stops a VM whose startup script never runs (created by gcloud)', {
    skip: !hasGcloud && 'gcloud is not installed',
  }, async () => {
    const env = gcloudEnv();
    const r = await runAsync(
      'gcloud',
      [
        'compute',
        'instances',
        'create',
        'capped-vm',
        `--zone=${Z}`,
        '--machine-type=n1-standard-4',
        '--create-disk=auto-delete=yes,boot=yes,size=10GB,source-snapshot=mymlops-base',
        '--max-run-duration=2s',
        '--instance-termination-action=STOP',
      ],
      { env, timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const sent = await client.getInstance(Z, 'capped-vm');
    assert.deepEqual(sent.scheduling?.maxRunDuration, { seconds: '2' });
    assert.equal(sent.scheduling?.instanceTerminationAction, 'STOP');
    await waitFor(async () => (await client.getInstance(Z, 'capped-vm')).status === 'TERMINATED', {
      what: 'Compute Engine to stop the VM at its maxRunDuration',
    });
    const vm = s.sim.compute.world.instances.get(`${Z}/capped-vm`)!;
    assert.match(vm.serial.read(0).contents, /No startup scripts to run[\s\S]*maxRunDuration reached/);
  });
});
