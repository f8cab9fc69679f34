// The billing catalog call names the ADC file's quota project (x-goog-user-project), since its URL
// names no project; without one, no such header is sent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tokenSource } from '../../../src/adapters/gce/auth.js';
import { fetchPriceTable } from '../../../src/adapters/gce/prices.js';
import { DEFAULT_RETRY } from '../../../src/adapters/gce/retry.js';
import { buildSkus } from '../../../sim/gce/billing.js';
import { rateLimitError } from '../../../sim/gce/faults.js';
import { defaultFixture } from '../../../sim/gce/fixture.js';
import { createGceSim } from '../../../sim/gce/server.js';
import { addSkus, emptyTable, gpuKey, type Sku } from '../../../src/core/zones/prices.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-quota-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function adc(extra: Record<string, unknown>): string {
  const f = join(tmp, `adc-${Object.keys(extra).length}.json`);
  writeFileSync(
    f,
    JSON.stringify({
      type: 'authorized_user',
      client_id: 'c',
      client_secret: 's',
      refresh_token: 'r',
      ...extra,
    }),
  );
  return f;
}

test('quota project: from the ADC file, GOOGLE_CLOUD_QUOTA_PROJECT first, none without either', () => {
  const withQuota = adc({ quota_project_id: 'billing-proj' });
  const without = adc({});
  assert.equal(tokenSource({ GOOGLE_APPLICATION_CREDENTIALS: withQuota }).quotaProject?.(), 'billing-proj');
  assert.equal(
    tokenSource({
      GOOGLE_APPLICATION_CREDENTIALS: withQuota,
      GOOGLE_CLOUD_QUOTA_PROJECT: 'env-proj',
    }).quotaProject?.(),
    'env-proj',
  );
  assert.equal(tokenSource({ GOOGLE_APPLICATION_CREDENTIALS: without }).quotaProject?.(), null);
});

test('the catalog request carries x-goog-user-project only when there is a quota project', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ skus: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  try {
    for (const quota of ['billing-proj', null]) {
      await fetchPriceTable(
        { token: async () => 'tok', invalidate: () => {}, description: 'fake', quotaProject: () => quota },
        base,
      );
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
  assert.equal(seen.length, 2);
  assert.equal(seen[0]!['x-goog-user-project'], 'billing-proj');
  assert.equal(seen[0]!['authorization'], 'Bearer tok');
  assert.equal(seen[1]!['x-goog-user-project'], undefined);
});

test('the catalog call rides out a 429 / 403 rateLimitExceeded burst; another error is not asked again', async () => {
  let calls = 0;
  const answers = [rateLimitError('QUOTA_PER_MINUTE', '1'), rateLimitError('RATE_LIMIT_EXCEEDED', '1')];
  const server = createServer((req, res) => {
    calls++;
    const a = req.url?.includes('broken') ? { code: 500, body: {} } : answers.shift();
    res.writeHead(a ? a.code : 200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(a ? a.body : { skus: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const tokens = { token: async () => 'tok', invalidate: () => {}, description: 'fake' };
  const sleeps: number[] = [];
  const clock = { now: () => 0, sleep: async (ms: number) => void sleeps.push(ms), random: () => 0 };
  try {
    assert.deepEqual(await fetchPriceTable(tokens, `${base}v1/`, 1, DEFAULT_RETRY, clock), { regions: {} });
    assert.equal(calls, 3);
    assert.equal(sleeps.length, 2);
    await assert.rejects(fetchPriceTable(tokens, `${base}broken/`, 1, DEFAULT_RETRY, clock), /HTTP 500$/);
    assert.equal(calls, 4);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test("the simulator's catalog: on-demand GPU prices are the list SKUs', never DWS or a reservation", async () => {
  const sim = await createGceSim({ sandboxRoot: join(tmp, 'vms') });
  try {
    const tokens = { token: async () => 'tok', invalidate: () => {}, description: 'fake' };
    const table = await fetchPriceTable(tokens, sim.billingBase);
    const skus = buildSkus(defaultFixture()) as { description: string; serviceRegions: string[] }[];
    const t4 = (d: string) =>
      skus.filter((x) => x.description === d && x.serviceRegions[0] === 'us-central1') as unknown as Sku[];
    const listed = addSkus(emptyTable(), t4('Nvidia Tesla T4 GPU running in Americas'));
    const key = gpuKey('nvidia-tesla-t4')!;
    const want = listed.regions['us-central1']!.ondemand.gpu[key]!;
    assert.ok(
      t4('Nvidia Tesla T4 GPU attached to DWS Defined Duration VMs running in Americas').length === 1,
    );
    assert.equal(table.regions['us-central1']!.ondemand.gpu[key], want);
  } finally {
    await sim.close();
  }
});
