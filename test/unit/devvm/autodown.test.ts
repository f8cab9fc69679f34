import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  deletedLine,
  deletesInText,
  durationSetting,
  markDeletesAt,
  planAutodown,
  waitText,
} from '../../../src/core/devvm/autodown.js';
import { idleText, renderDevVms } from '../../../src/core/devvm/rows.js';
import type { DevMachine, Machine } from '../../../src/core/model.js';
import { commitMachine, devMachine } from '../../helpers/machines.js';
import type { DevVmRow } from '../../../src/core/status/types.js';

const NOW = new Date('2024-05-10T12:00:00.000Z');
const DAY = 86400;

type Over = Partial<Omit<DevMachine, 'kind'>> & { kind?: Machine['kind'] };

function machine({ kind, ...over }: Over): Machine {
  const dev = devMachine({
    name: 'dev',
    state: 'stopped',
    reason: 'by_you',
    stoppedAt: '2024-05-01T12:00:00.000Z',
    ...over,
  });
  if (kind !== 'commit') return dev;
  const { kind: _dev, idle, dev: _, stoppedAt, deletesAt, sshTarget, ...base } = dev;
  return commitMachine(base);
}

const deletesOf = (m: Machine | undefined): string | null => (m?.kind === 'start' ? m.deletesAt : null);

const cases: {
  what: string;
  m: Over;
  deleteAfter?: number | null;
  mine?: string[];
  due: boolean;
  deletesAt: string | null;
}[] = [
  { what: 'stopped 9 days, delete_after 7d', m: {}, due: true, deletesAt: null },
  {
    what: 'stopped exactly delete_after ago',
    m: { stoppedAt: '2024-05-03T12:00:00.000Z' },
    due: true,
    deletesAt: null,
  },
  {
    what: 'stopped 5 days: waits 2 more',
    m: { stoppedAt: '2024-05-05T12:00:00.000Z' },
    due: false,
    deletesAt: '2024-05-12T12:00:00.000Z',
  },
  { what: 'stopped by the watchdog counts the same', m: { reason: 'idle' }, due: true, deletesAt: null },
  {
    what: 'a GCE VM (lastStopTimestamp)',
    m: { backend: 'gce', zone: 'us-east1-b' },
    due: true,
    deletesAt: null,
  },
  { what: 'delete_after absent', m: {}, deleteAfter: null, due: false, deletesAt: null },
  { what: 'delete_after 0', m: {}, deleteAfter: 0, due: false, deletesAt: null },
  { what: 'running', m: { state: 'running', reason: null }, due: false, deletesAt: null },
  { what: 'still stopping', m: { state: 'stopping' }, due: false, deletesAt: null },
  { what: 'a commit VM', m: { kind: 'commit' }, due: false, deletesAt: null },
  { what: 'started from another computer', m: {}, mine: ['other'], due: false, deletesAt: null },
  { what: 'stop time unknown', m: { stoppedAt: null }, due: false, deletesAt: null },
  { what: 'stop time unreadable', m: { stoppedAt: 'yesterday' }, due: false, deletesAt: null },
];

for (const c of cases)
  test(`planAutodown: ${c.what}`, () => {
    const m = machine(c.m);
    const plan = planAutodown({
      machines: [m],
      deleteAfter: c.deleteAfter === undefined ? 7 * DAY : c.deleteAfter,
      mine: new Set(c.mine ?? ['dev']),
      now: NOW,
    });
    assert.deepEqual(
      plan.due,
      c.due ? [{ name: 'dev', stoppedAt: m.kind === 'start' ? m.stoppedAt : null }] : [],
      'due for deletion now',
    );
    if (c.due) assert.deepEqual(plan.machines, [], 'a due machine leaves the listing');
    else assert.equal(deletesOf(plan.machines[0]), c.deletesAt);
    // The read path (status rows) marks the same machines, due ones with a past time, and deletes none.
    const shown = markDeletesAt(
      [m],
      c.deleteAfter === undefined ? 7 * DAY : c.deleteAfter,
      new Set(c.mine ?? ['dev']),
    );
    assert.equal(shown.length, 1);
    const at = deletesOf(shown[0]);
    if (c.due) assert.ok(at && Date.parse(at) <= NOW.getTime(), 'due: a time already passed');
    else assert.equal(at, c.deletesAt);
  });

test('planAutodown keeps the other machines as they are', () => {
  const run = machine({ name: 'run', state: 'running', reason: null });
  const plan = planAutodown({
    machines: [machine({ name: 'old' }), run],
    deleteAfter: 7 * DAY,
    mine: new Set(['old', 'run']),
    now: NOW,
  });
  assert.deepEqual(
    plan.due.map((d) => d.name),
    ['old'],
  );
  assert.deepEqual(plan.machines, [run]);
});

for (const [seconds, text] of [
  [7 * DAY, '7d'],
  [36 * 3600, '36h'],
  [90 * 60, '90m'],
  [2, '2s'],
  [DAY + 1, `${DAY + 1}s`],
] as const)
  test(`durationSetting(${seconds}) = ${text}`, () => assert.equal(durationSetting(seconds), text));

for (const [seconds, text] of [
  [2 * DAY + 3 * 3600 + 59, '2d 3h'],
  [2 * DAY + 30, '2d'],
  [5 * 3600 + 10 * 60, '5h 10m'],
  [4 * 60 + 2, '4m 2s'],
  [9, '9s'],
  [0.2, '1s'],
  [-5, '1s'],
] as const)
  test(`waitText(${seconds}) = ${text}`, () => assert.equal(waitText(seconds), text));

test('deletesInText and deletedLine read as said to the user', () => {
  assert.equal(deletesInText('2024-05-12T15:00:00.000Z', NOW), 'deletes in 2d 3h');
  assert.equal(deletesInText(null, NOW), null);
  assert.equal(deletesInText('2024-05-10T11:59:59.000Z', NOW), 'deletion due', 'the next reconcile pass');
  assert.equal(
    deletedLine({ name: 'dev', stoppedAt: '2024-05-01T12:00:00.000Z' }, 7 * DAY),
    'deleted dev machine dev: stopped since 2024-05-01T12:00:00.000Z, start.idle_shutdown.delete_after 7d',
  );
});

test('a stopped machine with deletes_at says "deletes in …" in status', () => {
  const row: DevVmRow = {
    name: 'dev',
    backend: 'local',
    zone: null,
    state: 'stopped',
    reason: 'by_you',
    machine_type: null,
    accelerator: null,
    created_at: null,
    idle: null,
    deletes_at: '2024-05-12T15:00:00.000Z',
    ports: [],
    ssh_command: null,
    logs_command: null,
  };
  const text = idleText(row, NOW);
  assert.equal(text, 'deletes in 2d 3h');
  assert.equal(
    renderDevVms([{ ...row, state_label: 'stopped (by you)', idle_text: text }]),
    'dev machines\n  dev  local  stopped (by you)  deletes in 2d 3h\n',
  );
});
