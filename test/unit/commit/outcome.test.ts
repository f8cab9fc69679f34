// How a followed job ended (src/core/commit/outcome.ts): every final status, published or not, and
// no result at all → the message that says it, its line and the exit code of src/errors.ts's EXIT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  endedByShutdown,
  type JobOutcome,
  jobVerdict,
  type OutcomeClass,
  publishedOutcome,
} from '../../../src/core/commit/outcome.js';
import type { CommitStatus } from '../../../src/core/model.js';
import { EXIT } from '../../../src/errors.js';

const outcome = (status: CommitStatus, published: boolean): JobOutcome => ({
  status,
  exitCode: status === 'succeeded' ? 0 : 1,
  error: null,
  message: status === 'succeeded' ? null : 'why',
  published,
  reason: status === 'stopped' ? 'preempted' : null,
});

const ROWS: {
  status: CommitStatus | null;
  published: boolean;
  class: OutcomeClass;
  exit: number;
  line: RegExp;
  shutdown: boolean;
}[] = [
  {
    status: 'succeeded',
    published: true,
    class: 'succeeded',
    exit: EXIT.ok,
    line: /^commit X succeeded$/,
    shutdown: false,
  },
  // Its push failed: the job itself succeeded (the result is kept for `mymlops publish`).
  {
    status: 'succeeded',
    published: false,
    class: 'succeeded',
    exit: EXIT.ok,
    line: /^commit X succeeded$/,
    shutdown: false,
  },
  {
    status: 'failed',
    published: true,
    class: 'not-succeeded',
    exit: EXIT.failed,
    line: /^commit X failed — why$/,
    shutdown: false,
  },
  {
    status: 'failed',
    published: false,
    class: 'not-succeeded',
    exit: EXIT.failed,
    line: /^commit X failed — why$/,
    shutdown: false,
  },
  {
    status: 'cancelled',
    published: true,
    class: 'not-succeeded',
    exit: EXIT.failed,
    line: /^commit X cancelled — why$/,
    shutdown: false,
  },
  {
    status: 'cancelled',
    published: false,
    class: 'not-succeeded',
    exit: EXIT.failed,
    line: /^commit X cancelled — why$/,
    shutdown: false,
  },
  {
    status: 'stopped',
    published: true,
    class: 'stopped-pushed',
    exit: EXIT.failed,
    line: /^commit X was preempted — partial notebook pushed; `mymlops retry X`/,
    shutdown: true,
  },
  {
    status: 'stopped',
    published: false,
    class: 'stopped-kept',
    exit: EXIT.failed,
    line: /^commit X was preempted — the partial notebook could not be pushed \(it is kept on the machine\)/,
    shutdown: true,
  },
  // Statuses status gives a commit, not its job: said as they are, never a success.
  {
    status: 'lost',
    published: false,
    class: 'not-succeeded',
    exit: EXIT.failed,
    line: /^commit X lost — why$/,
    shutdown: false,
  },
  {
    status: 'unknown',
    published: false,
    class: 'not-succeeded',
    exit: EXIT.failed,
    line: /^commit X unknown — why$/,
    shutdown: false,
  },
  {
    status: null,
    published: false,
    class: 'no-result',
    exit: EXIT.failed,
    line: /^commit X stopped: the job ended without a result \(killed\?\)$/,
    shutdown: true,
  },
];

describe('job outcome → message class and exit code', () => {
  for (const r of ROWS)
    it(`${r.status ?? 'no result'}${r.status ? (r.published ? ', published' : ', not published') : ''}`, () => {
      const o = r.status ? outcome(r.status, r.published) : null;
      const v = jobVerdict('X', o);
      assert.equal(v.class, r.class);
      assert.equal(v.exitCode, r.exit);
      assert.match(v.line, r.line);
      assert.equal(v.status, r.status ?? 'stopped', '--json says stopped for a job without a result');
      assert.equal(endedByShutdown(o), r.shutdown);
    });

  it('every final status has a row', () => {
    const final: CommitStatus[] = ['succeeded', 'failed', 'cancelled', 'stopped', 'lost', 'unknown'];
    for (const s of final)
      for (const published of s === 'lost' || s === 'unknown' ? [false] : [true, false])
        assert.ok(
          ROWS.some((r) => r.status === s && r.published === published),
          `${s} ${published}`,
        );
  });

  it('no result on a full disk: said so, still a failure', () => {
    const v = jobVerdict('X', null, { fullDisk: '/h' });
    assert.equal(v.exitCode, EXIT.failed);
    assert.match(v.line, /the disk holding \/h is full/);
  });
});

describe('publishedOutcome: metadata.json → how the job ended', () => {
  it('a progress push or the launch is no end yet', () => {
    assert.equal(publishedOutcome({ status: 'processing' }), null);
    assert.equal(publishedOutcome({ status: 'provisioning' }), null);
    assert.equal(publishedOutcome({}), null);
    assert.equal(publishedOutcome(null), null);
  });
  it('a final status, published, with what the metadata says', () => {
    assert.deepEqual(
      publishedOutcome({
        status: 'failed',
        exit_code: 1,
        message: 'why',
        duration_seconds: 4,
        machine_type: 'e2-medium',
        zone: 'us-east1-b',
      }),
      {
        status: 'failed',
        exitCode: 1,
        error: null,
        message: 'why',
        published: true,
        durationSeconds: 4,
        costUsd: null,
        machineType: 'e2-medium',
        zone: 'us-east1-b',
      },
    );
  });
});
