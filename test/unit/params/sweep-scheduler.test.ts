// The scheduler's pure choices (which runs hold a slot, which queued runs start now) and the
// sweep confirmation's cost bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupFile, GroupRun, RunState } from '../../../src/adapters/store/groups.js';
import type { Machine, MachineState } from '../../../src/core/model.js';
import { commitMachine } from '../../helpers/machines.js';
import { costEstimate } from '../../../src/core/sweep/confirm.js';
import { activeCount, markSeen, nextRuns } from '../../../src/core/sweep/scheduler.js';

const now = new Date('2024-11-20T12:00:00Z');
const run = (commit: string, state: RunState, created_at = '2024-11-20T11:00:00Z'): GroupRun =>
  ({
    commit,
    state,
    plan: {},
    record: { commit, machine: `m-${commit}`, created_at },
  }) as unknown as GroupRun;
const group = (runs: GroupRun[], max = 2, cancelled = false): GroupFile => ({
  group: 'g',
  config_file: '/x/mymlops.yml',
  max_parallel: max,
  cancelled,
  created_at: '',
  runs,
});
const machine = (commit: string, state: MachineState): Machine =>
  commitMachine({ name: `m-${commit}`, commitId: commit, state });

describe('activeCount', () => {
  const table: [string, GroupRun[], Machine[], number][] = [
    [
      'running and provisioning hold slots',
      [run('a', 'launched'), run('b', 'launched')],
      [machine('a', 'running'), machine('b', 'provisioning')],
      2,
    ],
    [
      'finished ones free theirs',
      [run('a', 'launched'), run('b', 'launched')],
      [machine('a', 'gone'), machine('b', 'stopped')],
      0,
    ],
    ['being launched holds one', [run('a', 'launching')], [], 1],
    [
      'launched just now, not listed yet: still holds one',
      [run('a', 'launched', '2024-11-20T11:59:50Z')],
      [],
      1,
    ],
    ['launched long ago and not listed: gone', [run('a', 'launched')], [], 0],
    [
      'launched just now, listed before and no longer: ended (a VM deleted itself)',
      [{ ...run('a', 'launched', '2024-11-20T11:59:50Z'), seen: true }],
      [],
      0,
    ],
    [
      'queued, dropped, failed hold none',
      [run('a', 'queued'), run('b', 'dropped'), run('c', 'failed')],
      [],
      0,
    ],
  ];
  for (const [what, runs, machines, want] of table)
    it(what, () => assert.equal(activeCount(group(runs), machines, now), want));
});

describe('markSeen', () => {
  it('marks launched runs whose machine is listed, whatever its state', () => {
    const g = group([run('a', 'launched'), run('b', 'launched'), run('c', 'queued')]);
    markSeen(g, [machine('a', 'gone'), machine('c', 'running')]);
    assert.deepEqual(
      g.runs.map((r) => [r.commit, r.seen ?? false]),
      [
        ['a', true],
        ['b', false],
        ['c', false],
      ],
    );
  });
});

describe('nextRuns', () => {
  const runs = [run('a', 'launched'), run('b', 'queued'), run('c', 'queued'), run('d', 'queued')];
  const table: [string, GroupFile, number, string[]][] = [
    ['fills the free slots, oldest first', group(runs, 3), 1, ['b', 'c']],
    ['none when full', group(runs, 2), 2, []],
    ['none when over (a slot freed later)', group(runs, 1), 2, []],
    ['none once cancelled', group(runs, 3, true), 0, []],
  ];
  for (const [what, g, active, want] of table)
    it(what, () =>
      assert.deepEqual(
        nextRuns(g, active).map((r) => r.commit),
        want,
      ),
    );
});

describe('costEstimate', () => {
  const base: Parameters<typeof costEstimate>[0] = {
    runs: 6,
    backend: 'gce',
    hourlyUsd: null,
    maxDurationSeconds: 0,
    maxCostUsd: null,
  };
  const table: [
    string,
    Partial<typeof base> & { hourlyUsd?: number | null; maxCostUsd?: number | null },
    string,
  ][] = [
    ['local', { backend: 'local' }, 'on this machine: no cloud cost'],
    ['price × max_duration', { hourlyUsd: 0.5, maxDurationSeconds: 7200 }, 'at most $6.00 (6 × $1.00)'],
    [
      'the cost cap when lower',
      { hourlyUsd: 0.5, maxDurationSeconds: 7200, maxCostUsd: 0.25 },
      'at most $1.50 (6 × $0.25)',
    ],
    ['the cost cap alone', { maxCostUsd: 2 }, 'at most $12.00 (6 × $2.00)'],
    [
      'unknown price',
      { maxDurationSeconds: 86400 },
      'price unknown until a zone is chosen; each run stops after max_duration 1d00h',
    ],
    [
      'nothing bounds it',
      {},
      'price unknown until a zone is chosen, and no max_duration or max_cost_usd bounds a run',
    ],
  ];
  for (const [what, o, want] of table) it(what, () => assert.equal(costEstimate({ ...base, ...o }), want));
});
