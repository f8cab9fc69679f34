// retryCommit with fakes: attempt n+1 is planned as such (machine name, job.json, metadata, zones to
// avoid), the record moves on, the stopped machine goes; what blocks a relaunch is a UserError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Machine, MachineState } from '../../src/core/model.js';
import { commitMachine } from '../helpers/machines.js';
import { type ComputeBackend, type LaunchPlan, NO_CAPABILITIES } from '../../src/core/ports/backend.js';
import type { LaunchRecord } from '../../src/core/ports/launch-record.js';
import { type RetryDeps, retryCommit } from '../../src/core/retry/retry.js';
import { UserError } from '../../src/errors.js';
import { onePlacement } from '../helpers/fake-launch.js';
import { testConfig } from '../helpers/plans.js';

const ID = '20250101_000001';
const record = (over: Partial<LaunchRecord> = {}): LaunchRecord => ({
  commit: ID,
  backend: 'local',
  machine: 'mymlops-20250101-000001',
  zone: 'us-east1-c',
  notebook: 'nb/a.ipynb',
  notes: 'n',
  repository: { url: 'git@github.com:me/repo.git', branch: 'main' },
  output_repository: { url: 'git@github.com:me/out.git', branch: 'master' },
  source_commit: 'f'.repeat(40),
  attempt: 1,
  created_at: '2025-01-01T00:00:01Z',
  ...over,
});
const machine = (name: string, state: MachineState): Machine => commitMachine({ name, commitId: ID, state });

function fakes(rec: LaunchRecord | null, machines: Machine[]) {
  const launched: LaunchPlan[] = [];
  const cancelled: string[] = [];
  const recorded: LaunchRecord[] = [];
  const backend: ComputeBackend = {
    kind: 'local',
    ...onePlacement(async (plan) => {
      launched.push(plan);
      return { ok: true, value: machine(plan.machineName, 'running') };
    }),
    list: async () => machines,
    readLog: async () => ({ text: '', next: 0, done: true }),
    async cancel(name) {
      cancelled.push(name);
    },
    capabilities: NO_CAPABILITIES,
  };
  const deps: RetryDeps = {
    readLaunch: (id) => (id === rec?.commit ? rec : null),
    recordLaunch: (r) => recorded.push(r),
    backend: () => backend,
    now: () => new Date('2025-01-01T01:00:00Z'),
    jobScript: () => '#!/usr/bin/env bash\n',
  };
  return { deps, launched, cancelled, recorded };
}

describe('retryCommit', () => {
  it('plans attempt n+1 itself: the job.json the backend writes names the new machine', async () => {
    for (const [attempt, name] of [
      [1, 'mymlops-20250101-000001-a2'],
      [2, 'mymlops-20250101-000001-a3'],
    ] as const) {
      const rec = record({ attempt, machine: attempt === 1 ? 'mymlops-20250101-000001' : 'x' });
      const f = fakes(rec, [machine(rec.machine, 'stopped')]);
      const r = await retryCommit(testConfig('local'), ID, f.deps, { sshOptions: ['-o', 'A=b'] });
      assert.equal(r.attempt, attempt + 1);
      const plan = f.launched[0]!;
      assert.equal(plan.kind, 'commit');
      if (plan.kind !== 'commit') return;
      assert.equal(plan.machineName, name);
      assert.equal(plan.jobConfig.machine.instance, name, 'job.json machine');
      assert.equal(plan.jobConfig.metadata.instance, name, 'metadata.json base');
      assert.equal(plan.jobConfig.metadata.attempt, attempt + 1);
      assert.equal(plan.metadata['attempt'], String(attempt + 1));
      assert.deepEqual(plan.avoidZones, ['us-east1-c']);
      assert.deepEqual(plan.jobConfig.ssh_options, ['-o', 'A=b']);
      assert.equal(plan.jobConfig.repository.sha, rec.source_commit);
      const next = {
        ...rec,
        machine: name,
        zone: null,
        attempt: attempt + 1,
        created_at: '2025-01-01T01:00:00.000Z',
      };
      assert.deepEqual(f.recorded, [
        { ...next, state: 'launching', request_id: null },
        { ...next, state: 'launching', request_id: null },
        { ...next, state: 'launched', request_id: null },
      ]);
      assert.deepEqual(f.cancelled, [rec.machine], 'the stopped machine is removed');
    }
  });
  it('a first attempt plans no zone to avoid when the record has none', async () => {
    const f = fakes(record({ zone: null }), []);
    await retryCommit(testConfig('local'), ID, f.deps);
    assert.deepEqual(f.launched[0]!.avoidZones, []);
    assert.deepEqual(f.cancelled, [], 'no old machine to remove');
  });
  const refusals: [string, LaunchRecord | null, Machine[], RegExp][] = [
    ['unknown commit', null, [], /no commit 20250101_000001 was launched from this machine/],
    ['another backend', record({ backend: 'gce' }), [], /ran on the gce backend but mymlops.yml says local/],
    [
      'still running',
      record(),
      [machine('mymlops-20250101-000001', 'running')],
      /commit 20250101_000001 is still running/,
    ],
  ];
  for (const [what, rec, machines, re] of refusals)
    it(`refuses: ${what}`, async () => {
      const f = fakes(rec, machines);
      await assert.rejects(
        retryCommit(testConfig('local'), ID, f.deps),
        (e: unknown) => e instanceof UserError && re.test(e.message),
      );
      assert.deepEqual(f.launched, []);
    });
});
