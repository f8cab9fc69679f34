// The simulator's API shapes that clients rely on: error bodies, auth, validation, lists and
// filters, operations, serial port offsets, the billing catalog's paging, the metadata server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gce-sim-'));
let s: SimEnv;
before(async () => {
  s = await startSim(tmp, { billingPageSize: 7 });
});
after(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

const api = async (method: string, path: string, body?: unknown, token = 't') => {
  const r = await fetch(`${s.sim.computeBase}projects/p/${path}`, {
    method,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as any };
};
const vm = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  machineType: 'zones/us-west1-b/machineTypes/e2-medium',
  disks: [{ boot: true, initializeParams: { sourceSnapshot: 'global/snapshots/s' } }],
  labels: { mymlops: 'commit' },
  metadata: {
    items: [
      {
        key: 'startup-script',
        value:
          'echo "hi $(curl -s -H Metadata-Flavor:Google http://$GCE_METADATA_HOST/computeMetadata/v1/instance/attributes/k)" > "$MYMLOPS_SERIAL_DEVICE"; sleep 20',
      },
      { key: 'k', value: 'v1' },
    ],
  },
  ...extra,
});

describe('Compute Engine simulator contract', () => {
  it('rejects a request without a token with the real 401 body', async () => {
    const r = await api('GET', 'zones', undefined, '');
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 401);
    assert.equal(r.body.error.errors[0].reason, 'required');
  });

  it('validates inserts: bad name, unknown machine type, GPU without TERMINATE, duplicates', async () => {
    assert.equal(
      (await api('POST', 'zones/us-west1-b/instances', vm('Bad_Name'))).body.error.errors[0].reason,
      'invalid',
    );
    const mt = await api(
      'POST',
      'zones/us-west1-b/instances',
      vm('a', { machineType: 'zones/us-west1-b/machineTypes/n9-huge' }),
    );
    assert.equal(mt.status, 400);
    assert.match(
      mt.body.error.message,
      /Machine type with name 'n9-huge' does not exist in zone 'us-west1-b'/,
    );
    const gpu = await api(
      'POST',
      'zones/us-west1-b/instances',
      vm('b', { guestAccelerators: [{ acceleratorType: 'nvidia-l4', acceleratorCount: 1 }] }),
    );
    assert.match(gpu.body.error.message, /do not support live migration/);
    const ok = await api('POST', 'zones/us-west1-b/instances', vm('c'));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.kind, 'compute#operation');
    assert.equal(typeof ok.body.id, 'string');
    const dup = await api('POST', 'zones/us-west1-b/instances', vm('c'));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.errors[0].reason, 'alreadyExists');
    const done = await api('POST', `zones/us-west1-b/operations/${ok.body.name}/wait`);
    assert.equal(done.body.status, 'DONE');
  });

  it('lists with filters; aggregated scopes carry NO_RESULTS_ON_PAGE warnings', async () => {
    const agg = await api(
      'GET',
      'aggregated/instances?filter=' +
        encodeURIComponent('labels.mymlops = commit') +
        '&returnPartialSuccess=true',
    );
    assert.equal(agg.body.kind, 'compute#instanceAggregatedList');
    assert.equal(agg.body.items['zones/us-west1-b'].instances[0].name, 'c');
    assert.equal(agg.body.items['zones/us-east1-c'].warning.code, 'NO_RESULTS_ON_PAGE');
    const none = await api(
      'GET',
      'aggregated/instances?filter=' + encodeURIComponent('(labels.mymlops = commit) AND (name = zzz)'),
    );
    assert.ok(Object.values(none.body.items).every((v: any) => !v.instances));
    const acc = await api(
      'GET',
      'aggregated/acceleratorTypes?filter=' + encodeURIComponent('name = nvidia-l4'),
    );
    assert.deepEqual(
      Object.entries(acc.body.items)
        .filter(([, v]: any) => v.acceleratorTypes)
        .map(([k]) => k)
        .sort(),
      ['zones/us-central1-a', 'zones/us-west1-b'],
    );
    const paged = await api('GET', 'zones?maxResults=2');
    assert.equal(paged.body.items.length, 2);
    assert.equal(paged.body.nextPageToken, '2');
  });

  it('serial port offsets, metadata server, setMetadata fingerprint, preemption operation', async () => {
    const out = await waitFor(
      async () => {
        const r = await api('GET', 'zones/us-west1-b/instances/c/serialPort?port=1&start=0');
        return r.body.contents.includes('hi v1') ? r.body : null;
      },
      { what: 'serial output' },
    );
    assert.equal(out.kind, 'compute#serialPortOutput');
    assert.equal(out.start, '0');
    const tail = await api('GET', `zones/us-west1-b/instances/c/serialPort?port=1&start=${out.next}`);
    assert.equal(tail.body.contents, '');
    const last = await api('GET', 'zones/us-west1-b/instances/c/serialPort?port=1&start=-6');
    assert.equal(last.body.contents.length, 6);
    const inst = await api('GET', 'zones/us-west1-b/instances/c');
    const stale = await api('POST', 'zones/us-west1-b/instances/c/setMetadata', {
      fingerprint: 'nope',
      items: [],
    });
    assert.equal(stale.status, 412);
    const set = await api('POST', 'zones/us-west1-b/instances/c/setMetadata', {
      fingerprint: inst.body.metadata.fingerprint,
      items: [{ key: 'k', value: 'v2' }],
    });
    assert.equal(set.status, 200);
    await s.preempt('c');
    const ops = await waitFor(
      async () => {
        const r = await api(
          'GET',
          'zones/us-west1-b/operations?filter=' +
            encodeURIComponent('operationType="compute.instances.preempted"'),
        );
        return r.body.items.length ? r.body.items : null;
      },
      { what: 'preempted operation' },
    );
    assert.match(ops[0].targetLink, /instances\/c$/);
    assert.equal(ops[0].statusMessage, 'Instance was preempted.');
    await waitFor(
      async () => (await api('GET', 'zones/us-west1-b/instances/c')).body.status === 'TERMINATED',
      { what: 'TERMINATED' },
    );
    const del = await api('DELETE', 'zones/us-west1-b/instances/c');
    assert.equal(del.body.operationType, 'delete');
    await waitFor(async () => (await api('GET', 'zones/us-west1-b/instances/c')).status === 404, {
      what: 'deleted',
    });
  });

  it('serves the billing catalog in pages', async () => {
    let token = '';
    let n = 0;
    for (let page = 0; page < 50; page++) {
      const r = await fetch(
        `${s.sim.billingBase}services/6F81-5844-456A/skus?pageSize=5000${token ? `&pageToken=${token}` : ''}`,
      );
      const body = (await r.json()) as { skus: unknown[]; nextPageToken: string };
      assert.ok(body.skus.length <= 7);
      n += body.skus.length;
      token = body.nextPageToken;
      if (!token) break;
    }
    assert.ok(n > 14);
  });
});
