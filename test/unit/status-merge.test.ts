import assert from 'node:assert/strict';
import { shellPlan } from '../../src/core/devvm/lifecycle.js';
import { shQuote } from '../../src/core/devvm/watchdog.js';
import { test } from 'node:test';
import { devVmRows, idTimestamp, mergeStatus, runningCount } from '../../src/core/status/merge.js';
import type { LaunchRecord } from '../../src/core/ports/launch-record.js';
import { blankRecord, type OutputRecord } from '../../src/core/status/types.js';
import type { CommitMachine, CommitMetadata, JobEnd, Machine, MachineState } from '../../src/core/model.js';
import { commitMachine, devMachine } from '../helpers/machines.js';

const NOW = new Date('2024-11-07T12:00:00Z');

function rec(
  id: string,
  metadata: Partial<CommitMetadata> | null,
  extra: Partial<OutputRecord> = {},
): OutputRecord {
  return { ...blankRecord(id, `tree-${id}`), notebook: 'exp.ipynb', metadata, ...extra };
}
const ORIG: Partial<CommitMetadata> = {
  commit: 'x',
  notebook: 'exp.ipynb',
  repository: 'git@github.com:me/repo.git',
  branch: 'master',
  artifacts: false,
  notes: 'n',
  accelerator: null,
};
function machine(
  commitId: string,
  state: MachineState,
  reason: string | null = null,
  metadata: Record<string, string> = {},
  ended: JobEnd | null = null,
): CommitMachine {
  return commitMachine({
    name: `mymlops-${commitId.replace('_', '-')}`,
    commitId,
    state,
    reason,
    createdAt: '2024-11-07T11:00:00Z',
    metadata,
    ended,
  });
}
function launch(commitId: string, launchedAt: string): LaunchRecord {
  return {
    commit: commitId,
    created_at: launchedAt,
    machine: 'mymlops-launched',
    backend: 'local',
    zone: null,
    notebook: 'nb/l.ipynb',
    notes: 'from launch',
    repository: { url: '', branch: '' },
    output_repository: { url: '', branch: '' },
    source_commit: 'abc',
    attempt: 1,
    accelerator: null,
  };
}

const ID = '20241107_100000';
const cases: {
  name: string;
  records?: OutputRecord[];
  machines?: Machine[] | null;
  launches?: LaunchRecord[];
  status: string;
  reason?: RegExp | null;
}[] = [
  {
    name: 'original folder without error → succeeded',
    records: [rec(ID, ORIG)],
    status: 'succeeded',
    reason: null,
  },
  {
    name: 'original folder with an error output → failed, named',
    records: [
      rec(ID, ORIG, { hasErrorOutput: true, firstError: { cell: 2, ename: 'ValueError', evalue: 'bad' } }),
    ],
    status: 'failed',
    reason: /ValueError: bad/,
  },
  {
    name: 'original folder with no metadata.json → derived too',
    records: [rec(ID, null)],
    status: 'succeeded',
  },
  {
    name: 'final metadata succeeded',
    records: [rec(ID, { ...ORIG, status: 'succeeded' })],
    status: 'succeeded',
  },
  {
    name: 'final metadata failed with error',
    records: [rec(ID, { ...ORIG, status: 'failed', error: { cell: 1, ename: 'KeyError', evalue: "'a'" } })],
    status: 'failed',
    reason: /KeyError/,
  },
  {
    name: 'final cancelled',
    records: [rec(ID, { ...ORIG, status: 'cancelled' })],
    machines: [],
    status: 'cancelled',
  },
  {
    name: 'progress push + running machine → processing',
    records: [rec(ID, { ...ORIG, status: 'processing', progress: { cells_done: 3, cells_total: 9 } })],
    machines: [machine(ID, 'running')],
    status: 'processing',
  },
  {
    name: 'progress push + preempted machine → stopped (preempted)',
    records: [rec(ID, { ...ORIG, status: 'processing' })],
    machines: [machine(ID, 'stopped', 'preempted')],
    status: 'stopped',
    reason: /preempted/,
  },
  {
    name: 'progress push + machine gone → stopped',
    records: [rec(ID, { ...ORIG, status: 'processing' })],
    machines: [],
    status: 'stopped',
    reason: /gone/,
  },
  {
    name: 'progress push + machine killed by cancel → cancelled',
    records: [rec(ID, { ...ORIG, status: 'processing' })],
    machines: [machine(ID, 'gone', 'cancelled')],
    status: 'cancelled',
  },
  {
    name: 'progress push, backend unreachable → processing, unconfirmed',
    records: [rec(ID, { ...ORIG, status: 'processing' })],
    machines: null,
    status: 'processing',
    reason: /unreachable/,
  },
  {
    name: 'progress push from another backend is not judged by this one',
    records: [rec(ID, { ...ORIG, status: 'processing', backend: 'gce' })],
    machines: [],
    status: 'processing',
  },
  {
    name: 'machine provisioning, no result → provisioning',
    machines: [machine(ID, 'provisioning')],
    status: 'provisioning',
  },
  {
    name: 'machine running, no result → processing',
    machines: [machine(ID, 'running')],
    status: 'processing',
  },
  {
    name: 'machine stopped (killed), no result → stopped',
    machines: [machine(ID, 'stopped', 'killed')],
    status: 'stopped',
    reason: /killed/,
  },
  {
    name: 'launch record, no machine, no result → lost',
    launches: [launch(ID, '2024-11-07T10:00:00Z')],
    machines: [],
    status: 'lost',
  },
  {
    name: 'launch record, backend unreachable, no result → unknown (never lost: it may be running)',
    launches: [launch(ID, '2024-11-07T10:00:00Z')],
    machines: null,
    status: 'unknown',
    reason: /unreachable/,
  },
  {
    name: 'launch record seconds old, machine not listed yet → provisioning',
    launches: [launch(ID, '2024-11-07T11:59:50Z')],
    machines: [],
    status: 'provisioning',
  },
  {
    name: 'the newest attempt decides: attempt 3 running beats attempt 2 final cancelled',
    records: [rec(ID, { ...ORIG, status: 'cancelled', attempt: 2 })],
    machines: [machine(ID, 'running', null, { attempt: '3' })],
    status: 'processing',
    reason: null,
  },
  {
    name: 'the newest attempt decides: attempt 2 provisioning beats attempt 1 (no attempt key) stopped push',
    records: [rec(ID, { ...ORIG, status: 'failed' })],
    machines: [machine(ID, 'provisioning', null, { attempt: '2' })],
    status: 'processing',
  },
  {
    name: "a final result of the machine's own attempt still wins",
    records: [rec(ID, { ...ORIG, status: 'succeeded', attempt: 3 })],
    machines: [machine(ID, 'stopping', null, { attempt: '3' })],
    status: 'succeeded',
  },
  {
    name: 'local job whose push failed (result.json published false) → failed (not published: why)',
    machines: [
      machine(
        ID,
        'gone',
        'finished',
        {},
        { status: 'failed', published: false, publishError: 'output repository x unreachable' },
      ),
    ],
    status: 'failed',
    reason: /^not published: output repository x unreachable$/,
  },
  {
    name: 'gce VM stopped with its kept result (metadata published false) → failed (not published)',
    records: [rec(ID, { ...ORIG, status: 'processing', backend: 'local' })],
    machines: [
      machine(
        ID,
        'stopped',
        'stopped',
        {},
        { status: 'failed', published: false, publishError: 'push rejected' },
      ),
    ],
    status: 'failed',
    reason: /^not published: push rejected$/,
  },
  {
    name: 'local job stopped by a shutdown (result status stopped) → stopped with its reason',
    records: [rec(ID, { ...ORIG, status: 'processing', interrupted: 'stopped' })],
    machines: [
      machine(ID, 'stopped', 'stopped', {}, { status: 'stopped', published: true, publishError: null }),
    ],
    status: 'stopped',
    reason: /^stopped$/,
  },
  {
    name: 'preempted VM with its interrupted push → stopped (preempted)',
    records: [rec(ID, { ...ORIG, status: 'processing', interrupted: 'preempted' })],
    machines: [machine(ID, 'stopped', 'preempted')],
    status: 'stopped',
    reason: /^preempted$/,
  },
  {
    name: 'interrupted push, machine gone since → stopped with the reason the job recorded',
    records: [rec(ID, { ...ORIG, status: 'processing', interrupted: 'preempted' })],
    machines: [],
    status: 'stopped',
    reason: /^preempted$/,
  },
  {
    name: 'a preempted VM still shutting down (the job pushing what it has) → processing, stopping: preempted',
    records: [rec(ID, { ...ORIG, status: 'processing' })],
    machines: [machine(ID, 'stopping', 'preempted')],
    status: 'processing',
    reason: /^stopping: preempted$/,
  },
  {
    name: 'a VM stopped by instances.stop, still shutting down → processing, stopping',
    machines: [machine(ID, 'stopping', 'stopped')],
    status: 'processing',
    reason: /^stopping$/,
  },
  {
    name: 'final result wins over a machine still shutting down',
    records: [rec(ID, { ...ORIG, status: 'succeeded' })],
    machines: [machine(ID, 'stopping')],
    status: 'succeeded',
  },
];

for (const c of cases) {
  test(`merge: ${c.name}`, () => {
    const rows = mergeStatus({
      records: c.records ?? [],
      machines: c.machines === undefined ? [] : c.machines,
      launches: c.launches ?? [],
      backend: 'local',
      now: NOW,
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.status, c.status);
    if (c.reason === null) assert.equal(rows[0]!.reason, null);
    else if (c.reason) assert.match(rows[0]!.reason ?? '', c.reason);
  });
}

test('merge: newest first, bumped second after its base, non-id folders ignored', () => {
  const rows = mergeStatus({
    records: [
      rec('20241107_100000', ORIG),
      rec('20241107_100000_1', ORIG),
      rec('20241108_000000', ORIG),
      rec('README', ORIG),
    ],
    machines: [],
    launches: [],
    backend: 'local',
    now: NOW,
  });
  assert.deepEqual(
    rows.map((r) => r.id),
    ['20241108_000000', '20241107_100000_1', '20241107_100000'],
  );
});

test('merge: fields come from metadata, then launch record, then machine metadata', () => {
  const m = {
    ...machine('20241107_110000', 'running'),
    metadata: { notes: 'machine notes', accelerator: 'nvidia-l4' },
  };
  const rows = mergeStatus({
    records: [
      rec(
        '20241107_100000',
        {
          ...ORIG,
          status: 'succeeded',
          started_at: '2024-11-07T10:00:05Z',
          finished_at: '2024-11-07T11:04:05Z',
          cost: { hourly_usd: 0.2, amount_usd: 0.21, estimate: true },
        },
        { metrics: { auc: 0.91 }, artifacts: ['metrics.json'] },
      ),
    ],
    machines: [m],
    launches: [launch('20241107_110000', '2024-11-07T11:00:01Z')],
    backend: 'local',
    now: NOW,
  });
  const [running, done] = rows;
  assert.equal(running!.status, 'processing');
  assert.equal(running!.notes, 'from launch');
  assert.equal(running!.accelerator, 'nvidia-l4');
  assert.equal(running!.output_path, null);
  assert.equal(running!.duration_seconds, null);
  assert.equal(done!.duration_seconds, 3840);
  assert.equal(done!.cost_usd, 0.21);
  assert.equal(done!.cost_estimate, true);
  assert.deepEqual(done!.metrics, { auc: 0.91 });
  assert.equal(done!.artifacts, true);
  assert.equal(done!.output_path, '20241107_100000/exp.ipynb');
  assert.equal(done!.format, 'mymlops');
  assert.equal(runningCount(rows), 1);
});

test('idTimestamp parses ids as UTC and rejects others', () => {
  assert.equal(idTimestamp('20241107_035340'), '2024-11-07T03:53:40.000Z');
  assert.equal(idTimestamp('20241107_035340_2'), '2024-11-07T03:53:40.000Z');
  assert.equal(idTimestamp('2024110_035340'), null);
  assert.equal(idTimestamp('.github'), null);
});

test('devVmRows lists start machines with copyable commands', () => {
  const vm = devMachine({
    name: 'mymlops-dev',
    createdAt: '2024-11-07T11:00:00Z',
    sshTarget: 'root@10.0.0.2',
  });
  const rows = devVmRows([vm, machine('20241107_100000', 'running'), { ...vm, name: 'old', state: 'gone' }]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.name, 'mymlops-dev');
  // As `mymlops ssh` does: the clone is root's, so a root login shell in it.
  const ssh = shellPlan({ ...vm, backend: 'gce' }, { repoDir: '', project: null, shell: undefined });
  assert.equal(rows[0]!.ssh_command, `ssh -t root@10.0.0.2 ${shQuote(ssh.args.at(-1)!)}`);
  assert.match(ssh.args.at(-1)!, /^sudo -i .*cd \/root\/repo/);
  assert.equal(rows[0]!.logs_command, 'mymlops logs mymlops-dev');
  assert.deepEqual(devVmRows(null), []);
});

test('merge: a finished local job whose final push is not fetched yet takes the job result', () => {
  const m = machine(ID, 'gone', 'finished', {}, { status: 'failed', published: true, publishError: null });
  const rows = mergeStatus({
    records: [rec(ID, { ...ORIG, status: 'processing' })],
    machines: [m],
    launches: [],
    backend: 'local',
    now: NOW,
  });
  assert.equal(rows[0]!.status, 'failed');
});

test('merge: earlier attempts are history in the row, the newest attempt is the row', () => {
  const attempts = [
    { attempt: 1, status: 'stopped' as const, started_at: '2024-11-07T10:00:00Z', finished_at: null },
  ];
  const [row] = mergeStatus({
    records: [rec(ID, { ...ORIG, status: 'processing', attempt: 2, attempts })],
    machines: [machine(ID, 'running', null, { attempt: '3' })],
    launches: [],
    backend: 'local',
    now: NOW,
  });
  assert.equal(row!.status, 'processing');
  assert.equal(row!.attempt, 3);
  assert.deepEqual(row!.attempts, attempts);
});
