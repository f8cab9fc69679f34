// What the terminal says while a commit runs: events → status line text, the log as the user
// sees it (no result line, no repeated progress), and the last line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutcomeScanner } from '../../../src/core/commit/follow.js';
import { finalLine, type JobOutcome } from '../../../src/core/commit/outcome.js';
import {
  type CommitPhase,
  commitPhase,
  creatingNotice,
  formatApprox,
  formatDuration,
  initialProgress,
  launched,
  LogView,
  type Progress,
  statusText,
  usualDuration,
} from '../../../src/core/commit/progress-line.js';

type Event =
  | { phase: CommitPhase }
  | { launched: string; driver?: boolean }
  | { notice: string }
  | { log: string };

function run(events: Event[], tty: boolean): { progress: Progress; shown: string } {
  const v = new LogView(tty);
  let shown = '';
  for (const e of events) {
    if ('phase' in e) v.progress = commitPhase(v.progress, e.phase);
    else if ('launched' in e) v.progress = launched(v.progress, e.launched, e.driver);
    else if ('notice' in e) v.notice(e.notice);
    else shown += v.feed(e.log);
  }
  shown += v.end();
  return { progress: v.progress, shown };
}

const RESULT =
  'mymlops: result {"status": "succeeded", "exit_code": 0, "error": null, "message": null, "published": true, "duration_seconds": 252}\n';

describe('the phase: events → status line', () => {
  const cases: { name: string; events: Event[]; phase: string }[] = [
    { name: 'nothing yet', events: [], phase: 'starting' },
    { name: 'snapshot', events: [{ phase: 'snapshot' }], phase: 'taking the snapshot' },
    { name: 'pushing', events: [{ phase: 'snapshot' }, { phase: 'pushing' }], phase: 'pushing the snapshot' },
    { name: 'launching', events: [{ phase: 'launching' }], phase: 'creating the machine' },
    {
      name: 'a zone attempt',
      events: [
        { phase: 'launching' },
        { notice: creatingNotice('m-a1', 'us-central1-a', 'spot ≈ $0.100/h') },
      ],
      phase: 'creating the VM in zone us-central1-a',
    },
    {
      name: 'failover to the next zone',
      events: [
        { notice: creatingNotice('m-a1', 'us-central1-a', null) },
        { notice: creatingNotice('m-a1', 'europe-west4-b', null) },
      ],
      phase: 'creating the VM in zone europe-west4-b',
    },
    { name: 'a VM boots', events: [{ phase: 'launching' }, { launched: 'gce' }], phase: 'booting' },
    { name: 'a local job starts', events: [{ launched: 'local' }], phase: 'starting the job' },
    {
      name: 'a first boot installs the GPU driver',
      events: [{ launched: 'gce', driver: true }],
      phase: 'installing the GPU driver (first boot)',
    },
    {
      name: 'the job starts after the driver install',
      events: [
        { launched: 'gce', driver: true },
        { log: 'mymlops: commit 20250101_000000: fetching snapshot abc from x\n' },
      ],
      phase: 'fetching the snapshot',
    },
    {
      name: 'fetching',
      events: [
        { launched: 'gce' },
        { log: 'mymlops: commit 20250101_000000: fetching snapshot abc from x\n' },
      ],
      phase: 'fetching the snapshot',
    },
    { name: 'running', events: [{ log: 'mymlops: running: papermill nb.ipynb\n' }], phase: 'running' },
    {
      name: 'cell progress',
      events: [{ log: 'mymlops: running: x nb.ipynb\nmymlops: progress pushed (3/16 cells)\n' }],
      phase: 'running cell 4/16',
    },
    {
      name: 'the last cell',
      events: [{ log: 'mymlops: progress pushed (16/16 cells)\n' }],
      phase: 'running cell 16/16',
    },
    { name: 'no code cells', events: [{ log: 'mymlops: progress pushed (0/0 cells)\n' }], phase: 'running' },
    {
      name: 'the command output does not move the phase',
      events: [{ log: 'mymlops: progress pushed (3/16 cells)\nepoch 1 loss 0.3\n' }],
      phase: 'running cell 4/16',
    },
    {
      name: 'saving',
      events: [{ log: 'mymlops: command exited with code 0\n' }],
      phase: 'saving the result',
    },
    {
      name: 'publishing',
      events: [{ log: 'mymlops: publishing to /o.git (master)\n' }],
      phase: 'publishing',
    },
    {
      name: 'publishing again',
      events: [{ log: 'mymlops: could not publish (unreachable): trying again in 4s\n' }],
      phase: 'publishing (trying again)',
    },
    {
      name: 'cancelled',
      events: [{ log: 'mymlops: cancel requested: stopping the command\n' }],
      phase: 'stopping',
    },
    {
      name: 'a line split across chunks',
      events: [{ log: 'mymlops: progr' }, { log: 'ess pushed (2/5 cel' }, { log: 'ls)\n' }],
      phase: 'running cell 3/5',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      for (const tty of [true, false]) assert.equal(run(c.events, tty).progress.phase, c.phase, `tty=${tty}`);
    });

  it('the status line: phase, elapsed time and, when known, the usual duration', () => {
    const p = { ...initialProgress(), phase: 'running cell 4/16' };
    const table: [number, number | null, string][] = [
      [5, null, 'running cell 4/16 · 5s'],
      [65, 252, 'running cell 4/16 · 1m 5s · usually ~4m'],
      [3725, 7800, 'running cell 4/16 · 1h 2m · usually ~2h 10m'],
    ];
    for (const [elapsed, usual, want] of table) assert.equal(statusText(p, elapsed, usual), want);
  });
});

describe('the log the user sees', () => {
  const cases: { name: string; log: string[]; tty: boolean; shown: string }[] = [
    {
      name: 'the result line is never shown; job finished is',
      log: ['out\n', RESULT, 'mymlops: job finished status=succeeded\n'],
      tty: false,
      shown: 'out\nmymlops: job finished status=succeeded\n',
    },
    {
      name: 'a result line split across chunks is still hidden',
      log: ['mymlops: res', 'ult {"status": "fai', 'led"}\nafter\n'],
      tty: false,
      shown: 'after\n',
    },
    {
      name: 'an unchanged progress line is shown once',
      log: [
        'mymlops: progress pushed (0/16 cells)\n',
        'mymlops: progress pushed (0/16 cells)\n',
        'mymlops: progress pushed (3/16 cells)\nmymlops: progress pushed (3/16 cells)\n',
      ],
      tty: false,
      shown: 'mymlops: progress pushed (0/16 cells)\nmymlops: progress pushed (3/16 cells)\n',
    },
    {
      name: 'a count that comes back after another is shown again',
      log: [
        'mymlops: progress pushed (1/2 cells)\nmymlops: progress pushed (2/2 cells)\nmymlops: progress pushed (1/2 cells)\n',
      ],
      tty: false,
      shown:
        'mymlops: progress pushed (1/2 cells)\nmymlops: progress pushed (2/2 cells)\nmymlops: progress pushed (1/2 cells)\n',
    },
    {
      name: 'on a terminal progress goes into the status line',
      log: ['mymlops: running: x nb.ipynb\n', 'mymlops: progress pushed (3/16 cells)\n', 'cell output\n'],
      tty: true,
      shown: 'mymlops: running: x nb.ipynb\ncell output\n',
    },
    {
      name: "the command's own partial line passes at once (a progress bar)",
      log: ['10%|█', '\r50%|█████', '\r100%\n', 'next\n'],
      tty: false,
      shown: '10%|█\r50%|█████\r100%\nnext\n',
    },
    {
      name: 'a last line without a newline is judged at the end',
      log: ['a\nmymlops: job finished status=failed'],
      tty: false,
      shown: 'a\nmymlops: job finished status=failed',
    },
    {
      name: 'a last result line without a newline stays hidden',
      log: ['a\n', 'mymlops: result {"status": "failed"}'],
      tty: false,
      shown: 'a\n',
    },
    {
      name: 'other mymlops lines pass',
      log: ['mymlops: publishing to /o.git (master)\nmymlops: published 20250101_000000\n'],
      tty: true,
      shown: 'mymlops: publishing to /o.git (master)\nmymlops: published 20250101_000000\n',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const events = c.log.map((log) => ({ log }));
      assert.equal(run(events, c.tty).shown, c.shown);
    });

  it('the follower still reads the hidden result line', () => {
    const s = new OutcomeScanner();
    s.feed(RESULT);
    assert.equal(s.outcome?.status, 'succeeded');
    assert.equal(s.outcome?.durationSeconds, 252);
  });
});

describe('the last line', () => {
  const base: JobOutcome = { status: 'succeeded', exitCode: 0, error: null, message: null, published: true };
  const gce = { machineType: 'n1-standard-8', zone: 'us-central1-a' };
  const cases: { name: string; o: JobOutcome | null; spot?: boolean; want: string }[] = [
    {
      name: 'succeeded on a spot VM with a price',
      o: { ...base, durationSeconds: 252, costUsd: 0.0281, ...gce },
      spot: true,
      want: 'commit X succeeded in 4m 12s · ~$0.03 (n1-standard-8 spot, us-central1-a)',
    },
    {
      name: 'succeeded, price unknown, not spot',
      o: { ...base, durationSeconds: 252, costUsd: null, ...gce },
      spot: false,
      want: 'commit X succeeded in 4m 12s (n1-standard-8, us-central1-a)',
    },
    {
      name: 'a very cheap run',
      o: { ...base, durationSeconds: 12, costUsd: 0.0003, ...gce },
      want: 'commit X succeeded in 12s · ~<$0.01 (n1-standard-8, us-central1-a)',
    },
    {
      name: 'succeeded locally',
      o: { ...base, durationSeconds: 3, machineType: null, zone: null },
      want: 'commit X succeeded in 3s',
    },
    {
      name: 'failed with a cell error',
      o: {
        ...base,
        status: 'failed',
        exitCode: 1,
        durationSeconds: 62,
        error: { cell: 2, ename: 'ValueError', evalue: 'bad\nmore' },
        message: 'the command exited with code 1',
      },
      want: 'commit X failed in 1m 2s — ValueError: bad (cell 2); see mymlops logs X',
    },
    {
      name: 'failed with a message only',
      o: { ...base, status: 'failed', durationSeconds: 1, message: 'could not fetch the snapshot' },
      want: 'commit X failed in 1s — could not fetch the snapshot; see mymlops logs X',
    },
    {
      name: 'an older job without a duration: as before',
      o: { ...base },
      want: 'commit X succeeded',
    },
    {
      name: 'a stopped job says how to run it again',
      o: { ...base, status: 'stopped', reason: 'preempted', durationSeconds: 30 },
      want: 'commit X was preempted — partial notebook pushed; `mymlops retry X` runs it again',
    },
    {
      name: 'no result at all',
      o: null,
      want: 'commit X stopped: the job ended without a result (killed?)',
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.equal(finalLine('X', c.o, { spot: c.spot ?? null }), c.want));

  it('formats durations and estimates', () => {
    const table: [number, string, string][] = [
      [0, '0s', '0s'],
      [59.6, '1m 0s', '1m'],
      [62, '1m 2s', '1m'],
      [252, '4m 12s', '4m'],
      [3599, '59m 59s', '60m'],
      [3720, '1h 2m', '1h 2m'],
    ];
    for (const [s, d, a] of table) {
      assert.equal(formatDuration(s), d, `duration ${s}`);
      assert.equal(formatApprox(s), a, `approx ${s}`);
    }
  });
});

describe('usually ~N: the newest succeeded run of the same notebook', () => {
  const runs = [
    { notebook: 'a.ipynb', status: 'succeeded', durationSeconds: 100, at: '2025-01-01T00:00:00Z' },
    { notebook: 'a.ipynb', status: 'succeeded', durationSeconds: 240, at: '2025-01-03T00:00:00Z' },
    { notebook: 'a.ipynb', status: 'failed', durationSeconds: 5, at: '2025-01-04T00:00:00Z' },
    { notebook: 'b.ipynb', status: 'succeeded', durationSeconds: 9, at: '2025-01-05T00:00:00Z' },
    { notebook: 'c.ipynb', status: 'succeeded', durationSeconds: null, at: '2025-01-05T00:00:00Z' },
  ];
  const table: [string, number | null][] = [
    ['a.ipynb', 240],
    ['b.ipynb', 9],
    ['c.ipynb', null],
    ['never.ipynb', null],
  ];
  for (const [nb, want] of table) it(nb, () => assert.equal(usualDuration(runs, nb), want));
});
