// What a listed machine's state means (src/core/machine-state.ts), state by state, and the job's
// end as the backends fill it in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toMachine } from '../../src/adapters/backends/gce/machines.js';
import type { InstanceResource } from '../../src/adapters/gce/client.js';
import {
  isDown,
  isLive,
  isPresent,
  isUp,
  jobEnd,
  keepsUnpublished,
  liveRank,
  standingFor,
} from '../../src/core/machine-state.js';
import type { JobEnd, Machine, MachineState } from '../../src/core/model.js';
import { commitMachine, devMachine } from '../helpers/machines.js';

const KEPT: JobEnd = { status: 'failed', published: false, publishError: 'push rejected' };
const DONE: JobEnd = { status: 'succeeded', published: true, publishError: null };

/** state → up, live, down, present, rank */
const MEANINGS: [MachineState, boolean, boolean, boolean, boolean, number][] = [
  ['provisioning', true, true, false, true, 2],
  ['running', true, true, false, true, 3],
  ['stopping', false, true, false, true, 1],
  ['stopped', false, false, true, true, 0],
  ['gone', false, false, true, false, 0],
];

for (const [state, up, live, down, present, rank] of MEANINGS)
  test(`a ${state} machine: up ${up}, live ${live}, down ${down}, present ${present}, rank ${rank}`, () => {
    for (const m of [commitMachine({ name: 'c', state }), devMachine({ name: 'd', state })]) {
      assert.equal(isUp(m), up, m.kind);
      assert.equal(isLive(m), live, m.kind);
      assert.equal(isDown(m), down, m.kind);
      assert.equal(isPresent(m), present, m.kind);
      assert.equal(liveRank(m), rank, m.kind);
    }
  });

/** kind × state × what the backend says of the job → the job's end as read, a result kept */
const ENDS: [Machine['kind'], MachineState, JobEnd | null, JobEnd | null, boolean][] = [
  // A running job's result.json (its machine still up) is not its end yet.
  ['commit', 'running', DONE, null, false],
  ['commit', 'provisioning', KEPT, null, false],
  ['commit', 'stopping', KEPT, null, false],
  ['commit', 'stopped', KEPT, KEPT, true],
  ['commit', 'gone', KEPT, KEPT, true],
  ['commit', 'gone', DONE, DONE, false],
  ['commit', 'stopped', null, null, false],
  ['commit', 'gone', null, null, false],
  ['start', 'stopped', null, null, false],
  ['start', 'gone', null, null, false],
];

for (const [kind, state, ended, want, kept] of ENDS)
  test(`a ${state} ${kind} machine whose backend says ${ended ? JSON.stringify(ended) : 'nothing'}`, () => {
    const m =
      kind === 'commit' ? commitMachine({ name: 'c', state, ended }) : devMachine({ name: 'd', state });
    assert.deepEqual(jobEnd(m), want);
    assert.equal(keepsUnpublished(m), kept);
  });

/** a commit's machines (state, created) → the one that stands for it */
const STANDING: [string, [MachineState, string | null][], number | null][] = [
  ['none', [], null],
  [
    'the live one before a newer stopped one',
    [
      ['running', '2024-01-01'],
      ['stopped', '2024-02-01'],
    ],
    0,
  ],
  [
    'the running one before a provisioning one',
    [
      ['provisioning', '2024-02-01'],
      ['running', '2024-01-01'],
    ],
    1,
  ],
  [
    'a stopping one before a gone one',
    [
      ['gone', '2024-02-01'],
      ['stopping', '2024-01-01'],
    ],
    1,
  ],
  [
    'of equal rank, the newest',
    [
      ['stopped', '2024-01-01'],
      ['gone', '2024-03-01'],
      ['stopped', '2024-02-01'],
    ],
    1,
  ],
  [
    'of equal rank, a dated one before an undated one',
    [
      ['running', null],
      ['running', '2024-01-01'],
    ],
    1,
  ],
];

for (const [what, list, want] of STANDING)
  test(`standing for a commit: ${what}`, () => {
    const machines = list.map(([state, createdAt], i) => commitMachine({ name: `m${i}`, state, createdAt }));
    assert.equal(standingFor(machines), want === null ? undefined : machines[want]);
  });

test('no machine: no end, nothing kept', () => {
  assert.equal(jobEnd(undefined), null);
  assert.equal(keepsUnpublished(undefined), false);
});

test('gce: a VM the startup script stopped to keep its result says so in its metadata', () => {
  const inst = (items: { key: string; value: string }[]) =>
    ({
      name: 'mymlops-20241107-035340',
      status: 'TERMINATED',
      labels: { mymlops: 'commit', 'mymlops-commit': '20241107_035340' },
      metadata: { items },
    }) as unknown as InstanceResource;
  const kept = toMachine(
    'us-east1-c',
    inst([
      { key: 'mymlops-published', value: 'false' },
      { key: 'mymlops-publish_error', value: 'output repository unreachable' },
    ]),
    new Set(),
  );
  assert.ok(kept.kind === 'commit');
  assert.deepEqual(kept.ended, {
    status: 'failed',
    published: false,
    publishError: 'output repository unreachable',
  });
  assert.equal(keepsUnpublished(kept), true);
  const plain = toMachine('us-east1-c', inst([]), new Set());
  assert.ok(plain.kind === 'commit');
  assert.equal(plain.ended, null);
});
