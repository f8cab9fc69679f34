// StatusService over fake sources: the order it reads them in, the forced fetch once a machine has
// gone, when the version changes (and when the same snapshot object comes back), source failures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Machine, MachineState } from '../../src/core/model.js';
import { commitMachine, devMachine } from '../helpers/machines.js';
import { StatusService, type StatusSources } from '../../src/core/status/service.js';
import type { LaunchRecord } from '../../src/core/ports/launch-record.js';
import { blankRecord, type OutputRecord } from '../../src/core/status/types.js';

const ID = '20250101_120000';

function record(status: 'processing' | 'succeeded', tree = `tree-${status}`): OutputRecord {
  return {
    ...blankRecord(ID, tree),
    notebook: 'exp.ipynb',
    metadata: { commit: ID, notebook: 'exp.ipynb', status, backend: 'local' },
  };
}

function machine(state: MachineState, kind: Machine['kind'] = 'commit'): Machine {
  return kind === 'commit'
    ? commitMachine({ name: 'job-1', commitId: ID, state })
    : devMachine({ name: 'dev-1', state });
}

/** Sources whose answers a test sets between snapshots; every call is recorded. */
function fakeSources(over: Partial<StatusSources> = {}) {
  const state = {
    machines: [] as Machine[],
    records: [] as OutputRecord[],
    launches: [] as LaunchRecord[],
    now: new Date('2025-01-01T12:05:00Z'),
    calls: [] as string[],
    forced: [] as boolean[],
  };
  const sources: StatusSources = {
    backend: 'local',
    listMachines: async () => {
      state.calls.push('machines');
      return state.machines;
    },
    refreshRepo: async (force) => {
      state.calls.push('repo');
      state.forced.push(force);
      return { records: state.records, warning: null };
    },
    listLaunches: async () => {
      state.calls.push('launches');
      return state.launches;
    },
    now: () => state.now,
    ...over,
  };
  return { state, service: new StatusService(sources) };
}

describe('StatusService', () => {
  it('reads machines first, then the repository, then the launch records', async () => {
    const { state, service } = fakeSources();
    await service.snapshot();
    assert.deepEqual(state.calls, ['machines', 'repo', 'launches']);
  });

  it('forces the fetch on the snapshot after a running machine has gone, and only then', async () => {
    const { state, service } = fakeSources();
    state.machines = [machine('running')];
    await service.snapshot();
    await service.snapshot();
    state.machines = [];
    await service.snapshot();
    await service.snapshot();
    state.machines = [machine('provisioning')];
    await service.snapshot();
    state.machines = [machine('stopped')];
    await service.snapshot();
    assert.deepEqual(state.forced, [false, false, true, false, false, true]);
  });

  it('a failed machine listing is a warning; the rows still come from the repository', async () => {
    const { state, service } = fakeSources({
      listMachines: async () => {
        throw new Error('token expired');
      },
    });
    state.records = [record('succeeded')];
    const snap = await service.snapshot();
    assert.deepEqual(snap.warnings, ['could not list local machines: token expired']);
    assert.deepEqual(
      snap.commits.map((c) => [c.id, c.status]),
      [[ID, 'succeeded']],
    );
  });

  it('a failed launch-record read and a repository warning are both shown', async () => {
    const { service } = fakeSources({
      refreshRepo: async () => ({ records: [], warning: 'fetch failed: offline' }),
      listLaunches: async () => {
        throw new Error('EACCES');
      },
    });
    assert.deepEqual((await service.snapshot()).warnings, [
      'fetch failed: offline',
      'could not read launch records: EACCES',
    ]);
  });

  it('unchanged inputs return the same snapshot object; a changed record changes the version', async () => {
    const { state, service } = fakeSources();
    state.records = [record('processing')];
    state.machines = [machine('running')];
    const a = await service.snapshot();
    assert.equal(a.running, 1);
    assert.match(a.version, /^[0-9a-f]{16}$/);
    assert.equal(await service.snapshot(), a, 'same inputs, same object');
    // A new array with the same content (the index re-read the head): same version, same object.
    state.records = [record('processing')];
    assert.equal(await service.snapshot(), a);
    // Only the clock moved on past the 15 s bucket: rebuilt, but nothing shown changed.
    state.now = new Date(state.now.getTime() + 20_000);
    assert.equal(await service.snapshot(), a);
    state.records = [record('succeeded')];
    state.machines = [];
    const b = await service.snapshot();
    assert.notEqual(b.version, a.version);
    assert.equal(b.running, 0);
    assert.equal(b.commits[0]?.status, 'succeeded');
  });

  it('dev machines are decorated and a change in them changes the version', async () => {
    let port = 18888;
    const { state, service } = fakeSources({
      decorateDevVms: (rows) =>
        rows.map((r) => ({ ...r, ports: [{ remote: 8888, local: port, url: null, state: 'up' as const }] })),
    });
    state.machines = [machine('running', 'start')];
    const a = await service.snapshot();
    assert.deepEqual(
      a.dev_vms.map((d) => [d.name, d.ports[0]?.local]),
      [['dev-1', 18888]],
    );
    port = 18889;
    const b = await service.snapshot();
    assert.notEqual(b.version, a.version);
    assert.equal(b.dev_vms[0]?.ports[0]?.local, 18889);
  });
});
