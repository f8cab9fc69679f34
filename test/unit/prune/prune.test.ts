// choosePrune: which snapshot refs and launch records `mymlops prune` removes, row by row.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choosePrune, SNAPSHOT_PREFIX } from '../../../src/core/prune/prune.js';
import type { CommitRow } from '../../../src/core/status/types.js';
import { commitRow } from '../../helpers/status-row.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const OLD = '20250101_000000';
const NEW = '20250228_120000';
const row = (id: string, status: CommitRow['status'], over: Partial<CommitRow> = {}): CommitRow =>
  commitRow({ id, status, timestamp: '', output_path: `${id}/a.ipynb`, ...over });
const gone = { name: 'm', state: 'gone' as const, zone: null, machine_type: null };

describe('choosePrune', () => {
  const cases: { what: string; row: CommitRow | null; id: string; record: boolean; pruned: boolean }[] = [
    {
      what: 'old, succeeded, published',
      row: row(OLD, 'succeeded', { machine: gone }),
      id: OLD,
      record: true,
      pruned: true,
    },
    { what: 'old, failed, published', row: row(OLD, 'failed'), id: OLD, record: true, pruned: true },
    { what: 'old, cancelled, published', row: row(OLD, 'cancelled'), id: OLD, record: true, pruned: true },
    { what: 'new, succeeded', row: row(NEW, 'succeeded'), id: NEW, record: true, pruned: false },
    { what: 'old, still processing', row: row(OLD, 'processing'), id: OLD, record: true, pruned: false },
    { what: 'old, stopped (retry needs it)', row: row(OLD, 'stopped'), id: OLD, record: true, pruned: false },
    { what: 'old, lost', row: row(OLD, 'lost', { output_path: null }), id: OLD, record: true, pruned: false },
    {
      what: 'old, kept unpublished',
      row: row(OLD, 'failed', { reason: 'not published: unreachable', output_path: null }),
      id: OLD,
      record: true,
      pruned: false,
    },
    {
      what: 'old, succeeded, its machine still there (kept with -k)',
      row: row(OLD, 'succeeded', { machine: { ...gone, state: 'stopped' } }),
      id: OLD,
      record: true,
      pruned: false,
    },
    { what: 'old ref that no commit knows', row: null, id: OLD, record: false, pruned: true },
    { what: 'old ref with only a launch record', row: null, id: OLD, record: true, pruned: false },
  ];
  for (const c of cases)
    it(c.what, () => {
      const plan = choosePrune({
        refs: [`${SNAPSHOT_PREFIX}${c.id}`, 'refs/mymlops/other/x'],
        rows: c.row ? [c.row] : [],
        records: c.record ? [c.id] : [],
        now: NOW,
        days: 30,
      });
      assert.deepEqual(
        plan.refs.map((r) => r.what),
        c.pruned ? [`${SNAPSHOT_PREFIX}${c.id}`] : [],
      );
      assert.deepEqual(
        plan.records.map((r) => r.id),
        c.pruned && c.record ? [c.id] : [],
      );
    });
});

describe('choosePrune: progress refs', () => {
  const cases: { what: string; row: CommitRow | null; pruned: boolean }[] = [
    { what: 'still processing', row: row(NEW, 'processing', { output_path: null }), pruned: false },
    { what: 'provisioning', row: row(NEW, 'provisioning', { output_path: null }), pruned: false },
    { what: 'its result landed', row: row(NEW, 'succeeded'), pruned: true },
    { what: 'its machine was killed', row: row(NEW, 'stopped', { machine: gone }), pruned: true },
    { what: 'lost', row: row(NEW, 'lost', { output_path: null }), pruned: true },
    { what: 'no commit of it anywhere', row: null, pruned: true },
  ];
  for (const c of cases)
    it(`${c.what}: ${c.pruned ? 'removed' : 'kept'}, whatever its age`, () => {
      const plan = choosePrune({
        refs: [],
        rows: c.row ? [c.row] : [],
        records: [],
        progress: [NEW],
        now: NOW,
        days: 30,
      });
      assert.deepEqual(
        plan.progress.map((r) => r.what),
        c.pruned ? [`refs/mymlops/progress/${NEW}`] : [],
      );
    });
});
