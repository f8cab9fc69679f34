// retryCommit over a fake backend and launch store: attempt numbering and machine names, the
// preempted zone tried last, the old machine deleted after the relaunch, and every refusal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../src/config/types.js';
import { retryCommit } from '../../src/core/retry/retry.js';
import { onePlacement, stopWith } from '../helpers/fake-launch.js';
import { testConfig } from '../helpers/plans.js';
import { commitMachine } from '../helpers/machines.js';

// The dependency types, named through retryCommit itself so this file follows where they live.
type Deps = Parameters<typeof retryCommit>[2];
type Backend = ReturnType<Deps['backend']>;
type Plan = Parameters<Backend['tryPlacement']>[0];
type Record = NonNullable<ReturnType<Deps['readLaunch']>>;
type Machine = Awaited<ReturnType<Backend['list']>>[number];

const ID = '20250101_120000';
const NOW = new Date('2025-01-01T13:00:00Z');

const config = (): Config => testConfig('gce');

function record(over: Partial<Record> = {}): Record {
  return {
    commit: ID,
    backend: 'gce',
    machine: 'mymlops-20250101-120000',
    zone: 'us-east1-c',
    notebook: 'exp/exp001.ipynb',
    notes: 'lr=1e-3',
    repository: { url: 'git@github.com:me/repo.git', branch: 'main' },
    output_repository: { url: 'git@github.com:me/out.git', branch: 'master' },
    source_commit: 'a'.repeat(40),
    attempt: 1,
    created_at: '2025-01-01T12:00:00Z',
    ...over,
  };
}

function machine(name: string, state: Machine['state'], zone = 'us-east1-c'): Machine {
  return commitMachine({
    name,
    commitId: ID,
    backend: 'gce',
    zone,
    state,
    reason: state === 'stopped' ? 'preempted' : null,
  });
}

/**
 * A backend that lists `listings` in turn (the last one repeats), launches into `us-west1-a` unless
 * told to fail, and records what it was asked in `calls`.
 */
function fake(
  opts: { rec?: Record | null; listings?: Machine[][]; fail?: string; kind?: 'gce' | 'local' } = {},
) {
  const calls: string[] = [];
  const plans: Plan[] = [];
  const recorded: Record[] = [];
  const listings = opts.listings ?? [[machine('mymlops-20250101-120000', 'stopped')]];
  let listed = 0;
  const backend = {
    kind: opts.kind ?? 'gce',
    list: async () => {
      calls.push('list');
      return listings[Math.min(listed++, listings.length - 1)]!;
    },
    ...onePlacement(async (plan: Plan) => {
      calls.push(`launch ${plan.machineName}`);
      plans.push(plan);
      if (opts.fail) return { ok: false, error: stopWith(opts.fail) };
      return { ok: true, value: machine(plan.machineName, 'provisioning', 'us-west1-a') };
    }),
    readLog: async () => ({ text: '', next: 0, done: false }),
    cancel: async (name: string) => {
      calls.push(`cancel ${name}`);
    },
  } as unknown as Backend;
  const deps: Deps = {
    readLaunch: (id) => (id === ID ? (opts.rec === undefined ? record() : opts.rec) : null),
    recordLaunch: (r) => {
      calls.push('record');
      recorded.push(r);
    },
    jobScript: () => '#!/usr/bin/env bash\n',
    backend: () => backend,
    now: () => NOW,
  };
  return { deps, calls, plans, recorded };
}

const fast = { pollMs: 1, stoppingPolls: 3 };

describe('retryCommit', () => {
  it('relaunches as attempt 2 under <name>-a2, avoiding the preempted zone, then deletes the old VM', async () => {
    const f = fake();
    const r = await retryCommit(config(), ID, f.deps, fast);
    assert.equal(r.attempt, 2);
    assert.equal(r.previous.attempt, 1);
    const plan = f.plans[0]!;
    assert.equal(plan.machineName, 'mymlops-20250101-120000-a2');
    assert.equal(plan.metadata['attempt'], '2');
    assert.deepEqual(plan.avoidZones, ['us-east1-c']);
    // Recorded as launching before the machine is asked for (again with the attempt's zone and
    // request id: none here), then as launched where it landed.
    assert.deepEqual(f.calls, [
      'list',
      'record',
      'record',
      'launch mymlops-20250101-120000-a2',
      'record',
      'cancel mymlops-20250101-120000',
    ]);
    const next = {
      ...record(),
      machine: 'mymlops-20250101-120000-a2',
      attempt: 2,
      created_at: NOW.toISOString(),
    };
    assert.deepEqual(f.recorded, [
      { ...next, state: 'launching', zone: null, request_id: null },
      { ...next, state: 'launching', zone: null, request_id: null },
      { ...next, state: 'launched', zone: 'us-west1-a', request_id: null },
    ]);
  });

  it('numbers from the record: attempt 2 becomes attempt 3 with its own name', async () => {
    const rec = record({ attempt: 2, machine: 'mymlops-20250101-120000-a2', zone: 'us-west1-a' });
    const f = fake({ rec, listings: [[machine(rec.machine, 'stopped', 'us-west1-a')]] });
    const r = await retryCommit(config(), ID, f.deps, fast);
    assert.equal(r.attempt, 3);
    assert.equal(f.plans[0]!.machineName, 'mymlops-20250101-120000-a3');
    assert.equal(f.plans[0]!.metadata['attempt'], '3');
    assert.deepEqual(f.plans[0]!.avoidZones, ['us-west1-a']);
    assert.equal(f.calls.at(-1), 'cancel mymlops-20250101-120000-a2');
  });

  it('no zone in the record: nothing avoided; old machine already gone: nothing deleted', async () => {
    const f = fake({ rec: record({ zone: null }), listings: [[]] });
    await retryCommit(config(), ID, f.deps, fast);
    assert.deepEqual(f.plans[0]!.avoidZones, []);
    assert.ok(!f.calls.some((c) => c.startsWith('cancel')), f.calls.join(', '));
  });

  it('keeps the original request: notebook, notes, keep-machine', async () => {
    const f = fake({ rec: record({ keep_machine: true, artifacts: true }) });
    await retryCommit(config(), ID, f.deps, fast);
    const plan = f.plans[0]!;
    assert.equal(plan.keepMachine, true);
    assert.equal(plan.metadata['notes'], 'lr=1e-3');
    assert.equal(plan.metadata['notebook'], 'exp001.ipynb');
  });

  it('waits for a stopping VM to stop before relaunching', async () => {
    const name = 'mymlops-20250101-120000';
    const f = fake({
      listings: [[machine(name, 'stopping')], [machine(name, 'stopping')], [machine(name, 'stopped')]],
    });
    await retryCommit(config(), ID, f.deps, fast);
    assert.deepEqual(f.calls.slice(0, 6), ['list', 'list', 'list', 'record', 'record', `launch ${name}-a2`]);
  });

  const refusals: {
    name: string;
    config?: Config;
    id?: string;
    f: ReturnType<typeof fake>;
    message: RegExp;
  }[] = [
    {
      name: 'no commit section',
      config: { ...config(), commit: null },
      f: fake(),
      message: /has no commit section/,
    },
    {
      name: 'no launch record',
      id: '20000101_000000',
      f: fake(),
      message: /no commit 20000101_000000 was launched/,
    },
    {
      name: 'launched on another backend',
      f: fake({ kind: 'local' }),
      message: /ran on the gce backend but mymlops\.yml says local/,
    },
    {
      name: 'still running',
      f: fake({ listings: [[machine('mymlops-20250101-120000', 'running')]] }),
      message: /is still running on mymlops-20250101-120000/,
    },
    {
      name: 'still provisioning',
      f: fake({ listings: [[machine('mymlops-20250101-120000', 'provisioning')]] }),
      message: /is still provisioning/,
    },
    {
      name: 'a sweep run that never started (queued)',
      f: fake({ rec: record({ queued: true, group: '20250101_115959g' }), listings: [[]] }),
      message: /commit 20250101_120000 is a run of sweep 20250101_115959g that has not started yet/,
    },
    {
      name: 'still stopping after the bounded wait',
      f: fake({ listings: [[machine('mymlops-20250101-120000', 'stopping')]] }),
      message: /is still stopping/,
    },
  ];
  it('the relaunch fails: the record is put back as it was, nothing is deleted', async () => {
    const f = fake({ fail: 'no T4 left anywhere' });
    await assert.rejects(
      retryCommit(config(), ID, f.deps, fast),
      /could not relaunch commit .*: no T4 left anywhere/,
    );
    assert.equal(f.recorded.length, 3);
    assert.equal(f.recorded[0]!.state, 'launching');
    assert.equal(f.recorded[1]!.state, 'launching', 'the attempt, recorded before it is sent');
    assert.deepEqual(f.recorded[2], record());
    assert.ok(!f.calls.some((x) => x.startsWith('cancel')), f.calls.join(', '));
  });
  for (const c of refusals)
    it(`refuses: ${c.name}, writing no record and deleting nothing`, async () => {
      await assert.rejects(retryCommit(c.config ?? config(), c.id ?? ID, c.f.deps, fast), (e: Error) => {
        assert.equal(e.name, 'UserError');
        assert.match(e.message, c.message);
        return true;
      });
      assert.deepEqual(c.f.recorded, []);
      assert.ok(!c.f.calls.some((x) => x.startsWith('cancel')), c.f.calls.join(', '));
    });

  it('a stopping VM is polled at most stoppingPolls times', async () => {
    const f = fake({ listings: [[machine('mymlops-20250101-120000', 'stopping')]] });
    await assert.rejects(retryCommit(config(), ID, f.deps, fast), /still stopping/);
    assert.equal(f.calls.filter((c) => c === 'list').length, 1 + fast.stoppingPolls);
  });
});
