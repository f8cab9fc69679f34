// The simulator behaves as Google documents Compute Engine: spot scheduling defaults, stop and
// preemption as a soft-off with a grace, instance/preempted with wait_for_change, subnetworks,
// paging, requestId, zone-consistent URLs, metadata key rules, the guest-attribute rate and a VM
// whose service account may not call the API about itself.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Instance } from '../../../src/adapters/gce/api-types.js';
import { GceClient } from '../../../src/adapters/gce/client.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gce-fidelity-'));
const GRACE = 1500;
let s: SimEnv;
before(async () => {
  s = await startSim(tmp, { spotGraceMs: GRACE, standardGraceMs: GRACE, maxPageSize: 2 });
});
after(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

const Z = 'us-west1-b';
const api = async (method: string, path: string, body?: unknown, token = 't') => {
  const r = await fetch(`${s.sim.computeBase}projects/p/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as any };
};
const vm = (name: string, extra: Instance = {}, script = 'sleep 30'): Instance => ({
  name,
  machineType: `zones/${Z}/machineTypes/e2-medium`,
  disks: [{ boot: true, initializeParams: { sourceSnapshot: 'global/snapshots/s' } }],
  metadata: { items: [{ key: 'startup-script', value: script }] },
  ...extra,
});
const insert = (body: Instance, zone = Z, query = '') => api('POST', `zones/${zone}/instances${query}`, body);
const status = async (name: string) => (await api('GET', `zones/${Z}/instances/${name}`)).body.status;
const sandboxOf = (name: string) => s.sim.compute.world.instances.get(`${Z}/${name}`)!.sandbox;
const mdHost = (name: string) => {
  const server = s.sim.compute.world.instances.get(`${Z}/${name}`)!.metadataServer!;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/computeMetadata/v1`;
};
const md = (name: string, path: string, init: RequestInit = {}) =>
  fetch(`${mdHost(name)}/${path}`, { ...init, headers: { 'Metadata-Flavor': 'Google' } });

describe('simulator fidelity to the compute v1 reference', () => {
  it("accepts gcloud's spot body without onHostMaintenance; refuses MIGRATE or automaticRestart for spot", async () => {
    const gpu = { guestAccelerators: [{ acceleratorType: 'nvidia-l4', acceleratorCount: 1 }] };
    const spot = {
      scheduling: { preemptible: true, provisioningModel: 'SPOT', automaticRestart: false },
    } as const;
    const r = await insert(vm('spot-a', { ...gpu, ...spot }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const got = (await api('GET', `zones/${Z}/instances/spot-a`)).body;
    assert.equal(got.scheduling.onHostMaintenance, 'TERMINATE');
    assert.equal(got.scheduling.instanceTerminationAction, 'STOP');
    const migrate = await insert(
      vm('spot-b', { scheduling: { provisioningModel: 'SPOT', onHostMaintenance: 'MIGRATE' } }),
    );
    assert.equal(migrate.status, 400);
    assert.match(migrate.body.error.message, /'resource\.scheduling\.onHostMaintenance': 'MIGRATE'/);
    const restart = await insert(vm('spot-c', { scheduling: { preemptible: true, automaticRestart: true } }));
    assert.match(restart.body.error.message, /automaticRestart/);
    const standardGpu = await insert(vm('std-gpu', gpu));
    assert.match(standardGpu.body.error.message, /do not support live migration/);
  });

  it('subnetworks are regional; the network is inferred from the subnetwork', async () => {
    const other = await insert(
      vm('net-a', { networkInterfaces: [{ subnetwork: 'regions/us-east1/subnetworks/default' }] }),
    );
    assert.equal(other.status, 400);
    assert.match(other.body.error.message, /networkInterfaces\[0\]\.subnetwork.*region 'us-east1'/);
    const unknown = await insert(
      vm('net-b', { networkInterfaces: [{ subnetwork: 'regions/us-west1/subnetworks/zz' }] }),
    );
    assert.match(unknown.body.error.message, /subnetwork resource cannot be found/);
    const ok = await insert(
      vm('net-c', { networkInterfaces: [{ subnetwork: 'regions/us-west1/subnetworks/default' }] }),
    );
    assert.equal(ok.status, 200);
    const nic = (await api('GET', `zones/${Z}/instances/net-c`)).body.networkInterfaces[0];
    assert.match(nic.network, /\/global\/networks\/default$/);
    assert.match(nic.subnetwork, /\/regions\/us-west1\/subnetworks\/default$/);
  });

  it('machine, accelerator and disk types must be of the instance zone; metadata keys follow the rules', async () => {
    const cases: [Instance, RegExp][] = [
      [
        vm('u-a', { machineType: 'zones/us-east1-c/machineTypes/e2-medium' }),
        /resource\.machineType.*us-east1-c/,
      ],
      [
        vm('u-b', {
          scheduling: { provisioningModel: 'SPOT' },
          guestAccelerators: [
            { acceleratorType: 'projects/p/zones/us-central1-a/acceleratorTypes/nvidia-l4' },
          ],
        }),
        /guestAccelerators\[0\]\.acceleratorType.*us-central1-a/,
      ],
      [
        vm('u-c', {
          disks: [{ boot: true, initializeParams: { diskType: 'zones/us-west1-a/diskTypes/pd-ssd' } }],
        }),
        /disks\[0\]\.initializeParams\.diskType.*us-west1-a/,
      ],
      [vm('u-d', { metadata: { items: [{ key: 'bad key', value: 'v' }] } }), /items\[0\]\.key': 'bad key'/],
      [vm('u-e', { metadata: { items: [{ key: 'k'.repeat(128), value: 'v' }] } }), /items\[0\]\.key/],
      [vm('u-f', { metadata: { items: [{ key: 'k', value: 'x'.repeat(256 * 1024 + 1) }] } }), /too large/],
    ];
    for (const [body, message] of cases) {
      const r = await insert(body);
      assert.equal(r.status, 400, body.name!);
      assert.match(r.body.error.message, message);
    }
  });

  it('an insert retried with the same requestId answers with the same operation and makes one VM', async () => {
    const id = randomUUID();
    const first = await insert(vm('idem'), Z, `?requestId=${id}`);
    const again = await insert(vm('idem'), Z, `?requestId=${id}`);
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal(again.body.name, first.body.name);
    const other = await insert(vm('idem'), Z, `?requestId=${randomUUID()}`);
    assert.equal(other.status, 409);
    const bad = await insert(vm('idem2'), Z, '?requestId=not-a-uuid');
    assert.equal(bad.status, 400);
  });

  it('aggregated lists page (small pages here); the client reads every page', async () => {
    const page = await api('GET', 'aggregated/instances?maxResults=500');
    const onPage = Object.values(page.body.items).flatMap((v: any) => v.instances ?? []);
    assert.equal(onPage.length, 2);
    assert.ok(page.body.nextPageToken);
    const client = new GceClient({
      project: 'p',
      base: s.sim.computeBase,
      tokens: { token: async () => 't', invalidate: () => {} } as never,
    });
    const all = await client.instances('');
    const names = all.map((x) => x.item.name).sort();
    assert.deepEqual(names, [...new Set(names)]);
    assert.ok(names.includes('idem') && names.includes('spot-a') && names.includes('net-c'), names.join());
  });

  it('a preemption: instance/preempted turns TRUE (wait_for_change wakes), the shutdown script, the spot grace, power off', async () => {
    const script = `R="$MYMLOPS_VM_ROOT"; exec >>"$R/out" 2>&1
trap 'echo "startup term" >> "$R/events"' TERM
echo up > "$R/events"
while :; do sleep 0.1; done`;
    // The shutdown script outlasts the grace: the power goes off at the deadline.
    const shutdown = `MD="http://$GCE_METADATA_HOST/computeMetadata/v1"
echo "shutdown $(curl -s -H Metadata-Flavor:Google "$MD/instance/preempted")" >> "$MYMLOPS_VM_ROOT/events"
while :; do sleep 0.1; done`;
    const body = vm('pre', { scheduling: { provisioningModel: 'SPOT' } }, script);
    body.metadata!.items!.push({ key: 'shutdown-script', value: shutdown });
    assert.equal((await insert(body)).status, 200);
    await waitFor(
      async () => {
        try {
          return readFileSync(join(sandboxOf('pre'), 'events'), 'utf8').includes('up');
        } catch {
          return false;
        }
      },
      { what: 'the guest to start' },
    );
    const first = await md('pre', 'instance/preempted');
    assert.equal(await first.text(), 'FALSE');
    const tag = first.headers.get('etag')!;
    const waiting = md('pre', `instance/preempted?wait_for_change=true&last_etag=${tag}`).then((r) =>
      r.text(),
    );
    const t0 = Date.now();
    await s.preempt('pre');
    assert.equal(await waiting, 'TRUE');
    await waitFor(async () => (await status('pre')) === 'TERMINATED', {
      what: 'power off',
      timeoutMs: 10_000,
    });
    const took = Date.now() - t0;
    assert.ok(took >= GRACE - 100, `powered off after ${took} ms, before the ${GRACE} ms grace`);
    const events = readFileSync(join(sandboxOf('pre'), 'events'), 'utf8');
    assert.match(events, /^shutdown TRUE$/m);
    // google-startup-scripts.service has KillMode=process: its runner alone is signalled.
    assert.doesNotMatch(events, /startup term/);
    const ops = await api(
      'GET',
      `zones/${Z}/operations?filter=${encodeURIComponent('operationType="compute.instances.preempted"')}`,
    );
    assert.equal(ops.body.items.length, 1);
    assert.equal(ops.body.items[0].status, 'DONE');
  });

  it('instances.stop: the shutdown script runs, and power off as soon as it has ended', async () => {
    const script = `exec >>"$MYMLOPS_VM_ROOT/out" 2>&1; trap 'echo term >> "$MYMLOPS_VM_ROOT/startup"' TERM; while :; do sleep 0.1; done`;
    const body = vm('stopme', {}, script);
    body.metadata!.items!.push({ key: 'shutdown-script', value: 'echo stopping > "$MYMLOPS_VM_ROOT/stop"' });
    assert.equal((await insert(body)).status, 200);
    await waitFor(async () => (await status('stopme')) === 'RUNNING', { what: 'running' });
    await waitFor(() => s.sim.compute.world.instances.get(`${Z}/stopme`)?.child, { what: 'the guest' });
    const t0 = Date.now();
    await api('POST', `zones/${Z}/instances/stopme/stop`);
    await waitFor(async () => (await status('stopme')) === 'TERMINATED', {
      what: 'stopped',
      timeoutMs: 10_000,
    });
    assert.ok(Date.now() - t0 < GRACE, 'the shutdown script ended, so the VM powered off before the grace');
    assert.equal(readFileSync(join(sandboxOf('stopme'), 'stop'), 'utf8').trim(), 'stopping');
    assert.equal(
      existsSync(join(sandboxOf('stopme'), 'startup')),
      false,
      'the startup script got no SIGTERM',
    );
  });

  it('metadata wait_for_change on instance/attributes; guest attributes past 10 a minute get 429', async () => {
    const body = vm('ga', {
      metadata: {
        items: [
          { key: 'enable-guest-attributes', value: 'TRUE' },
          { key: 'k', value: 'a' },
        ],
      },
    });
    assert.equal((await insert(body)).status, 200);
    await waitFor(
      async () =>
        (await status('ga')) === 'RUNNING' && s.sim.compute.world.instances.get(`${Z}/ga`)?.metadataServer,
      { what: 'running' },
    );
    const waiting = md('ga', 'instance/attributes/k?wait_for_change=true').then((r) => r.text());
    const inst = (await api('GET', `zones/${Z}/instances/ga`)).body;
    await api('POST', `zones/${Z}/instances/ga/setMetadata`, {
      fingerprint: inst.metadata.fingerprint,
      items: [...inst.metadata.items.filter((i: any) => i.key !== 'k'), { key: 'k', value: 'b' }],
    });
    assert.equal(await waiting, 'b');
    assert.equal(
      (await md('ga', 'instance/guest-attributes/mymlops/idle', { method: 'PUT', body: '{}' })).status,
      200,
    );
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push((await api('GET', `zones/${Z}/instances/ga/getGuestAttributes?queryPath=mymlops/`)).status);
    assert.deepEqual(codes, [...Array(10).fill(200), 429]);
  });

  it('a VM whose service account may not call the API about itself gets 403 IAM_PERMISSION_DENIED', async () => {
    const inst = s.sim.compute.world.instances.get(`${Z}/ga`)!;
    const token = `sim-vm-token-${inst.id}`;
    assert.equal((await api('GET', `zones/${Z}/instances/ga`, undefined, token)).status, 200);
    await fetch(`${s.sim.url}/_sim/settings`, {
      method: 'POST',
      body: JSON.stringify({ denyVmSelfCalls: true }),
    });
    try {
      const denied = await api('POST', `zones/${Z}/instances/ga/setMetadata`, { items: [] }, token);
      assert.equal(denied.status, 403);
      assert.match(denied.body.error.message, /Required 'compute\.instances\.setMetadata' permission/);
      assert.equal(denied.body.error.details[0].reason, 'IAM_PERMISSION_DENIED');
      assert.equal(
        (await api('GET', `zones/${Z}/instances/ga`)).status,
        200,
        'other callers are not affected',
      );
    } finally {
      await fetch(`${s.sim.url}/_sim/settings`, {
        method: 'POST',
        body: JSON.stringify({ denyVmSelfCalls: false }),
      });
    }
  });
});
