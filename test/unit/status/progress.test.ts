// withProgress: which record stands for a commit when the branch and a progress ref both have one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withProgress } from '../../../src/core/status/progress.js';
import type { OutputRecord } from '../../../src/core/status/types.js';

const rec = (id: string, tree: string, attempt?: number, status = 'processing'): OutputRecord => ({
  id,
  tree,
  notebook: 'a.ipynb',
  metadata: { status: status as 'processing', ...(attempt ? { attempt } : {}) },
  hasErrorOutput: false,
  firstError: null,
  artifacts: [],
  metrics: {},
  hasLog: true,
  problems: [],
});

describe('withProgress', () => {
  const A = '20250101_000000';
  const B = '20250102_000000';
  const cases: { what: string; branch: OutputRecord[]; progress: OutputRecord[]; shown: string[] }[] = [
    { what: 'no progress: the branch as it is', branch: [rec(A, 'b')], progress: [], shown: ['b'] },
    {
      what: 'a running commit not on the branch is added',
      branch: [rec(A, 'b')],
      progress: [rec(B, 'p')],
      shown: ['b', 'p'],
    },
    {
      what: 'the result of the same attempt wins (ref not removed yet)',
      branch: [rec(A, 'b', 1, 'succeeded')],
      progress: [rec(A, 'p', 1)],
      shown: ['b'],
    },
    {
      what: 'attempt 2 running over attempt 1 stopped on the branch',
      branch: [rec(A, 'b', 1)],
      progress: [rec(A, 'p', 2)],
      shown: ['p'],
    },
    {
      what: 'a stale ref of an earlier attempt never hides a later result',
      branch: [rec(A, 'b', 2, 'failed')],
      progress: [rec(A, 'p', 1)],
      shown: ['b'],
    },
  ];
  for (const c of cases)
    it(c.what, () => {
      const out = withProgress(c.branch, c.progress);
      assert.deepEqual(
        out.map((r) => r.tree),
        c.shown,
      );
      if (c.progress.length === 0) assert.equal(out, c.branch, 'the same array when nothing is laid over');
    });
});
