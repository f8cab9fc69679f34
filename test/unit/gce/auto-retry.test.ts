// Which preempted commits an automatic retry (commit.retry.preempted) relaunches: table-driven.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preemptionsToRetry } from '../../../src/core/retry/auto.js';
import type { CommitRow } from '../../../src/core/status/types.js';

const ID = '20250101_000001';
function row(over: Partial<CommitRow> = {}): CommitRow {
  return {
    id: ID,
    status: 'stopped',
    reason: 'preempted',
    backend: 'gce',
    machine: { name: 'vm-1', state: 'stopped', zone: 'us-east1-c', machine_type: 'n1-standard-4' },
    ...over,
  } as CommitRow;
}

describe('preemptionsToRetry', () => {
  const cases: {
    name: string;
    row: CommitRow;
    max?: number;
    launch?: { machine: string; backend: 'gce' | 'local' } | null;
    claims?: string[];
    want: { machine: string; retry: number }[];
  }[] = [
    { name: 'a fresh preemption qualifies', row: row(), want: [{ machine: 'vm-1', retry: 1 }] },
    { name: 'retries off', row: row(), max: 0, want: [] },
    { name: 'still running', row: row({ status: 'processing', reason: null }), want: [] },
    { name: 'stopped for another reason', row: row({ reason: 'stopped' }), want: [] },
    { name: 'no machine', row: row({ machine: null }), want: [] },
    { name: 'no launch record (not ours)', row: row(), launch: null, want: [] },
    {
      name: 'already relaunched (the record points at a newer machine)',
      row: row(),
      launch: { machine: 'vm-1-a2', backend: 'gce' },
      want: [],
    },
    { name: 'this preemption already claimed', row: row(), claims: ['vm-1'], want: [] },
    { name: 'N retries used up', row: row(), max: 1, claims: ['vm-0'], want: [] },
    {
      name: 'second preemption of a relaunched commit, within N',
      row: row({ machine: { name: 'vm-1-a2', state: 'stopped', zone: 'us-west1-a', machine_type: null } }),
      launch: { machine: 'vm-1-a2', backend: 'gce' },
      max: 2,
      claims: ['vm-1'],
      want: [{ machine: 'vm-1-a2', retry: 2 }],
    },
    {
      name: 'launched on another backend',
      row: row(),
      launch: { machine: 'vm-1', backend: 'local' },
      want: [],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = preemptionsToRetry(
        [c.row],
        c.max ?? 3,
        () => (c.launch === undefined ? { machine: 'vm-1', backend: 'gce' } : c.launch),
        () => c.claims ?? [],
      );
      assert.deepEqual(
        got,
        c.want.map((w) => ({ commitId: ID, ...w })),
      );
    });
});
