// Launches that lose their answer or find their name taken, on the simulator: the failover loop
// never makes a second VM of one commit — a lost insert answer is repeated with the same requestId
// or resolved by looking the VM up by name, a 409 for this commit's own VM adopts it, a 409 for a
// stranger's stops the launch — and every insert is announced (onAttempt) before it is sent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { GceBackend } from '../../../src/adapters/backends/gce/gce.js';
import type { LaunchAttempt } from '../../../src/core/ports/backend.js';
import { SIM_INSTANCE, testCommitPlan } from '../../helpers/plans.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';
import { launchWithFailover } from '../../../src/core/launch/failover.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gce-launch-safe-'));
let s: SimEnv;
const notes: string[] = [];
// A job that stays up (the VM must still exist when the test counts VMs).
const JOB = '#!/bin/bash\nsleep 30\n';

/** A backend with a short retry budget (a lasting loss of answers is said within a second). */
const backend = (budgetMs = 400) =>
  new GceBackend({
    env: { ...process.env, ...s.env, MYMLOPS_GCE_RETRY_BUDGET_MS: String(budgetMs) },
    home: s.home,
    notify: (l) => notes.push(l),
  });

let n = 0;
const plan = (id = `20250202_00000${++n}`) =>
  testCommitPlan(id, {
    jobScript: JOB,
    keys: {},
    instance: { ...SIM_INSTANCE, accelerator: 'nvidia-tesla-t4' },
  });

const vmsNamed = (name: string) => [...s.sim.compute.world.instances.values()].filter((i) => i.name === name);
/** Insert requests the simulator has received so far. */
const inserts = () =>
  s.sim.compute.world.requests.filter((q) => q.method === 'POST' && /\/instances$/.test(q.path)).length;
const ZONES = ['us-central1-a', 'us-central1-b', 'us-east1-c', 'us-east1-d', 'us-west1-a', 'us-west1-b'];

before(async () => {
  s = await startSim(tmp);
});
afterEach(() => s.clearFaults());
after(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('GCE launch when answers are lost or names are taken', () => {
  it('an insert whose answer is lost once is repeated with the same requestId: one VM', async () => {
    await s.fault(null, 'RESPONSE_LOST', { times: 1 });
    const p = plan();
    const attempts: LaunchAttempt[] = [];
    const before = inserts();
    const r = await launchWithFailover(backend(5000), p, { onAttempt: (a) => attempts.push(a) });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(vmsNamed(p.machineName).length, 1);
    assert.equal(attempts.length, 1, 'one zone tried');
    assert.equal(attempts[0]!.zone, r.value.machine.zone);
    assert.match(attempts[0]!.requestId ?? '', /^[0-9a-f-]{36}$/);
    // The lost request and its repeat (the simulator answered the repeat from its requestId).
    assert.equal(inserts() - before, 2);
  });

  it('an insert that never gets an answer is resolved by name, never by another zone: one VM', async () => {
    await s.fault(null, 'RESPONSE_LOST', { times: 1000 });
    const p = plan();
    const attempts: LaunchAttempt[] = [];
    const r = await launchWithFailover(backend(), p, { onAttempt: (a) => attempts.push(a) });
    assert.ok(r.ok, JSON.stringify(r));
    const vms = vmsNamed(p.machineName);
    assert.equal(vms.length, 1, 'exactly one VM');
    assert.equal(vms[0]!.zone, r.value.machine.zone);
    assert.deepEqual(
      attempts.map((a) => a.zone),
      [r.value.machine.zone],
      'no other zone was tried',
    );
    // Found by name after the retries gave up, and taken as this launch's VM.
    assert.ok(notes.some((l) => l.includes(`${p.machineName} already exists in ${vms[0]!.zone}`)));
  });

  it('a 409 for this commit’s own VM adopts it instead of creating another elsewhere', async () => {
    const p = plan();
    const first = await launchWithFailover(backend(), p);
    assert.ok(first.ok);
    // The same launch again, its VM's zone ranked first (every other one avoided): 409 "already exists".
    const zone = first.value.machine.zone!;
    const again = await launchWithFailover(backend(), { ...p, avoidZones: ZONES.filter((z) => z !== zone) });
    assert.ok(again.ok, JSON.stringify(again));
    assert.equal(again.value.machine.zone, first.value.machine.zone);
    assert.equal(again.value.zonesTried.length, 0);
    assert.equal(vmsNamed(p.machineName).length, 1);
  });

  it('a 409 for a VM of another commit stops the launch (exists) without trying other zones', async () => {
    const mine = plan();
    assert.ok((await launchWithFailover(backend(), mine)).ok);
    const zone = (await backend().list()).find((m) => m.name === mine.machineName)!.zone!;
    const stranger = {
      ...plan(),
      machineName: mine.machineName,
      avoidZones: ZONES.filter((z) => z !== zone),
    };
    const attempts: LaunchAttempt[] = [];
    const r = await launchWithFailover(backend(), stranger, { onAttempt: (a) => attempts.push(a) });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'exists');
    assert.match(r.error.message, /already exists .* not this launch's/);
    assert.equal(attempts.length, 1);
    assert.equal(vmsNamed(mine.machineName).length, 1);
  });

  it('an aborted launch sends no insert and says interrupted', async () => {
    const ac = new AbortController();
    ac.abort();
    const before = inserts();
    const attempts: LaunchAttempt[] = [];
    const r = await launchWithFailover(backend(), plan(), {
      signal: ac.signal,
      onAttempt: (a) => attempts.push(a),
    });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'interrupted');
    assert.equal(attempts.length, 0);
    assert.equal(inserts(), before);
  });

  it('an abort while the zones are being chosen ends the launch before any insert', async () => {
    await s.hold('/aggregated/machineTypes', 'before', 'GET');
    try {
      const ac = new AbortController();
      const before = inserts();
      const launching = launchWithFailover(backend(), plan(), { signal: ac.signal });
      await waitFor(() => s.held() > 0, { what: 'the zone choice to be held' });
      ac.abort();
      const r = await launching;
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'interrupted');
      assert.equal(inserts(), before);
    } finally {
      await s.release();
    }
  });
});
