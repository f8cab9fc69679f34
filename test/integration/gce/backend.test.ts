// The GCE backend against the simulator, with a trivial job script: the VM lifecycle (startup
// script, metadata, keys, self-deletion, keep), failover, global quota, preemption, list, logs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GceBackend } from '../../../src/adapters/backends/gce/gce.js';
import type { CommitPlan } from '../../../src/core/ports/backend.js';
import { SIM_INSTANCE, testCommitPlan } from '../../helpers/plans.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';
import { launchWithFailover } from '../../../src/core/launch/failover.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gce-backend-'));
let s: SimEnv;
let backend: GceBackend;
const notes: string[] = [];
const keyFile = join(tmp, 'deploy_key');
// The output repository's URL credentials: a key file on the VM, scrubbed from metadata like the key.
const TOKEN = 'S3cr3tT0kenOfTheOutput';

before(async () => {
  s = await startSim(tmp);
  writeFileSync(
    keyFile,
    '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material\n-----END OPENSSH PRIVATE KEY-----\n',
    { mode: 0o600 },
  );
  backend = new GceBackend({ env: { ...process.env, ...s.env }, home: s.home, notify: (l) => notes.push(l) });
});
after(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

// A job script that proves what it received, then "publishes" by printing the contract's last line.
const JOB = `#!/bin/bash
echo "job: dir=$MYMLOPS_JOB_DIR"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("job: zone=%s hourly=%s tried=%d" % (j["machine"]["zone"], j["machine"]["hourly_usd"], len(j["metadata"]["zones_tried"])))' "$MYMLOPS_JOB_DIR/job.json"
echo "job: key mode=$(stat -c %a "$MYMLOPS_JOB_DIR/keys/repository") first=$(head -c 11 "$MYMLOPS_JOB_DIR/keys/repository")"
[ -f "$MYMLOPS_JOB_DIR/keys/output.cred" ] && echo "job: cred mode=$(stat -c %a "$MYMLOPS_JOB_DIR/keys/output.cred") first=$(head -n 1 "$MYMLOPS_JOB_DIR/keys/output.cred") sum=$(sha256sum <"$MYMLOPS_JOB_DIR/keys/output.cred" | cut -c1-16)"
sleep "\${JOB_SLEEP:-0.2}"
echo 'mymlops: job finished status=succeeded'
`;

let n = 0;
function plan(over: Partial<Omit<CommitPlan, 'kind' | 'commitId' | 'jobConfig'>> = {}): CommitPlan {
  n++;
  const id = `20250101_00000${n}`;
  return testCommitPlan(id, {
    jobScript: JOB,
    keys: { repository: keyFile },
    credentials: { output: { username: 'alice', password: TOKEN } },
    instance: { ...SIM_INSTANCE, accelerator: 'nvidia-tesla-t4' },
    metadata: { commit: id, notes: 'hello', accelerator: 'nvidia-tesla-t4' },
    maxDurationSeconds: 3600,
    ...over,
  });
}

async function follow(name: string): Promise<string> {
  let text = '';
  let from = 0;
  for (let i = 0; i < 400; i++) {
    const c = await backend.readLog(name, from);
    text += c.text;
    from = c.next;
    if (c.done && !c.text) return text;
  }
  throw new Error(`log of ${name} never ended:\n${text}`);
}

const instanceNames = () => s.sim.compute.world.instances;

describe('GCE backend on the simulator', () => {
  it('launches in the cheapest zone, runs the job once, streams the serial port, deletes itself', async () => {
    const p = plan();
    const r = await launchWithFailover(backend, p);
    assert.ok(r.ok, JSON.stringify(r));
    // us-east1 is the cheapest region for n1-standard-4 + T4 in the default fixture
    assert.equal(r.value.machine.zone, 'us-east1-c');
    assert.deepEqual(r.value.zonesTried, []);
    const log = await follow(p.machineName);
    assert.match(log, /job: zone=us-east1-c hourly=0\.138 tried=0/);
    assert.match(log, /job: key mode=600 first=-----BEGIN/);
    const sum = createHash('sha256').update(`username=alice\npassword=${TOKEN}\n`).digest('hex').slice(0, 16);
    assert.match(log, new RegExp(`job: cred mode=600 first=username=alice sum=${sum}`));
    assert.ok(!log.includes(TOKEN));
    assert.match(log, /deploy keys removed from instance metadata/);
    assert.match(log, /mymlops: job finished status=succeeded/);
    assert.match(log, /mymlops-vm: deleting this VM/);
    await waitFor(() => !instanceNames().has(`us-east1-c/${p.machineName}`), { what: 'self-deletion' });
    // the insert carried the expected shape
    const insert = s.sim.compute.world.requests.find(
      (q) => q.method === 'POST' && q.path.endsWith('/zones/us-east1-c/instances'),
    );
    assert.ok(insert);
  });

  it('keeps the VM with keepMachine; list() maps it; the key is gone from its metadata; cancel deletes it', async () => {
    const p = plan({ keepMachine: true });
    const r = await launchWithFailover(backend, p);
    assert.ok(r.ok);
    const log = await follow(p.machineName);
    assert.match(log, /keeping this VM/);
    const inst = instanceNames().get(`us-east1-c/${p.machineName}`);
    assert.ok(inst, 'VM kept');
    const items = (inst.body['metadata'] as { items: { key: string; value: string }[] }).items;
    assert.ok(!items.some((i) => i.key.startsWith('mymlops-key-')), 'deploy key and credentials scrubbed');
    assert.ok(!JSON.stringify(inst.body).includes(TOKEN));
    assert.ok(items.some((i) => i.key === 'mymlops-notes' && i.value === 'hello'));
    assert.deepEqual(inst.body['labels'], { mymlops: 'commit', 'mymlops-commit': p.commitId });
    const sched = inst.body['scheduling'] as Record<string, unknown>;
    assert.equal(sched['provisioningModel'], 'SPOT');
    assert.equal(sched['onHostMaintenance'], 'TERMINATE');
    assert.equal(sched['automaticRestart'], false);
    const m = (await backend.list()).find((x) => x.name === p.machineName);
    assert.ok(m);
    assert.equal(m.state, 'running');
    assert.equal(m.kind === 'commit' ? m.commitId : null, p.commitId);
    assert.equal(m.accelerator, 'nvidia-tesla-t4');
    assert.equal(m.machineType, 'n1-standard-4');
    assert.equal(m.metadata['notes'], 'hello');
    assert.ok(!('job-script' in m.metadata) && !('key-repository' in m.metadata));
    await backend.cancel(p.machineName);
    assert.ok(!instanceNames().has(`us-east1-c/${p.machineName}`));
    assert.ok(!(await backend.list()).some((x) => x.name === p.machineName));
  });

  it('fails over: exhausted zone, then a region over quota, lands in the third choice', async () => {
    await s.fault('us-east1-c', 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS');
    await s.fault('us-central1-a', 'QUOTA_EXCEEDED');
    try {
      const p = plan();
      const r = await launchWithFailover(backend, p);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.machine.zone, 'us-west1-a');
      assert.deepEqual(
        r.value.zonesTried.map((t) => [t.zone, t.code, t.scope]),
        [
          ['us-east1-c', 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', 'zone'],
          ['us-central1-a', 'quotaExceeded', 'region'],
        ],
      );
      const log = await follow(p.machineName);
      assert.match(log, /job: zone=us-west1-a hourly=[\d.]+ tried=2/);
    } finally {
      await s.clearFaults();
    }
  });

  it('a global GPU quota stops at once with an explanation', async () => {
    await s.fault(null, 'GPUS_ALL_REGIONS');
    try {
      const before = s.sim.compute.world.requests.filter(
        (q) => q.method === 'POST' && q.path.endsWith('/instances'),
      ).length;
      const r = await launchWithFailover(backend, plan());
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'quota');
      assert.match(r.error.message, /GPUS_ALL_REGIONS.*globally.*quota/);
      assert.equal(r.error.zonesTried.length, 1);
      const after = s.sim.compute.world.requests.filter(
        (q) => q.method === 'POST' && q.path.endsWith('/instances'),
      ).length;
      assert.equal(after - before, 1, 'one insert, no further zones');
    } finally {
      await s.clearFaults();
    }
  });

  it('a preempted VM is listed stopped (preempted) and its log ends', async () => {
    const p = plan({ jobScript: JOB.replace('${JOB_SLEEP:-0.2}', '30') });
    const r = await launchWithFailover(backend, p);
    assert.ok(r.ok);
    await waitFor(async () => (await backend.readLog(p.machineName, 0)).text.includes('job: dir='), {
      what: 'job start',
    });
    await s.preempt(p.machineName);
    const m = await waitFor(
      async () => {
        const x = (await backend.list()).find((y) => y.name === p.machineName);
        return x?.state === 'stopped' ? x : null;
      },
      { what: 'preempted state' },
    );
    assert.equal(m.reason, 'preempted');
    assert.ok(await backend.wasPreempted(p.machineName));
    const log = await follow(p.machineName);
    assert.doesNotMatch(log, /job finished/);
    await backend.cancel(p.machineName);
  });

  it('rejects metadata that is too large with a clear message', async () => {
    const big = plan({ metadata: { commit: 'x', notes: 'n'.repeat(300 * 1024) } });
    await assert.rejects(launchWithFailover(backend, big), /notes \(-n\) is 300 KiB, over the 256 KiB limit/);
  });
});
