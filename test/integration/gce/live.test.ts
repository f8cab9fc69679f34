// Opt-in live test against a real Google Cloud project: MYMLOPS_LIVE_GCE=1 (never in CI).
// Credentials and project come from the usual places (ADC / gcloud, CLOUDSDK_CORE_PROJECT).
// Read-only by default; with MYMLOPS_LIVE_GCE_SNAPSHOT=<snapshot> it also launches one small spot
// VM (e2-medium, no GPU) that runs a trivial job, streams its serial port and deletes itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GceBackend } from '../../../src/adapters/backends/gce/gce.js';
import { hourlyPrice } from '../../../src/core/zones/prices.js';
import { computePrices } from '../../../src/adapters/gce/prices.js';
import { tokenSource } from '../../../src/adapters/gce/auth.js';
import { testCommitPlan } from '../../helpers/plans.js';
import { launchWithFailover } from '../../../src/core/launch/failover.js';

const live = process.env['MYMLOPS_LIVE_GCE'] === '1';
const snapshot = process.env['MYMLOPS_LIVE_GCE_SNAPSHOT'];
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-live-gce-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, MYMLOPS_HOME: tmp };

describe('live Compute Engine (MYMLOPS_LIVE_GCE=1)', {
  skip: live ? false : 'set MYMLOPS_LIVE_GCE=1 to run against a real project',
}, () => {
  it('reads zones, machine types, accelerators, mymlops VMs and spot prices', async () => {
    const b = new GceBackend({ env, home: tmp, notify: () => {} });
    const c = await b.client();
    const mt = await c.machineTypeZones('n1-standard-4');
    assert.ok(mt.some((m) => m.zone.startsWith('us-central1-')));
    const acc = await c.acceleratorZones('nvidia-tesla-t4');
    assert.ok(acc.length > 0);
    await c.instances('labels.mymlops:*');
    const prices = await computePrices(tokenSource(env), env);
    assert.equal(prices.problem, null);
    const p = hourlyPrice(
      prices.table,
      'us-central1',
      { name: 'n1-standard-4', guestCpus: 4, memoryMb: 15360 },
      'nvidia-tesla-t4',
    );
    assert.ok(p !== null && p > 0 && p < 2, `spot n1-standard-4 + T4 in us-central1: ${p}`);
  });

  it('launches a spot VM that runs a job, logs to the serial port and deletes itself', {
    skip: snapshot ? false : 'set MYMLOPS_LIVE_GCE_SNAPSHOT to launch a VM',
    timeout: 15 * 60_000,
  }, async () => {
    const b = new GceBackend({ env, home: tmp });
    const name = `mymlops-live-${Date.now().toString(36)}`;
    // A commit id with no job folder here: nothing is recorded under MYMLOPS_HOME.
    const r = await launchWithFailover(
      b,
      testCommitPlan('20000101_000000', {
        machineName: name,
        jobScript:
          '#!/bin/bash\necho "live job on $(hostname)"\necho "mymlops: job finished status=succeeded"\n',
        keys: {},
        instance: {
          zone_regex: 'us-',
          machine_type: 'e2-medium',
          snapshot: snapshot!,
          image: null,
          accelerator: null,
          accelerator_count: 1,
          disk_size_gb: 20,
          disk_type: 'pd-balanced',
          spot: true,
        },
        metadata: { commit: 'live-test' },
        maxDurationSeconds: 600,
      }),
    );
    assert.ok(r.ok, JSON.stringify(r));
    let text = '';
    let from = 0;
    const deadline = Date.now() + 10 * 60_000;
    try {
      while (Date.now() < deadline) {
        const chunk = await b.readLog(name, from);
        text += chunk.text;
        from = chunk.next;
        if (chunk.done && !chunk.text) break;
      }
      assert.match(text, /live job on/);
    } finally {
      await b.cancel(name, 0).catch(() => undefined);
    }
  });
});
