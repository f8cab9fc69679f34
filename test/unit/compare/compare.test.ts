// The pure parts of comparing commits: metric direction, deltas and best; the notebook source
// diff (outputs and execution counts ignored, cells aligned); unified diff text; the comparison
// read through ports; show's data and text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ComparePorts, compareCommits } from '../../../src/core/compare/compare.js';
import { lineHunks, similarity } from '../../../src/core/compare/line-diff.js';
import { renderUnified } from '../../../src/core/compare/unified.js';
import { compareMetrics, formatDelta, metricDirection } from '../../../src/core/compare/metrics.js';
import { diffNotebooks, renderNotebookDiff } from '../../../src/core/compare/notebook-diff.js';
import { renderComparison } from '../../../src/core/compare/render.js';
import { renderShow, showData } from '../../../src/core/compare/show.js';
import type { Painter } from '../../../src/core/status/table.js';
import { commitRow } from '../../helpers/status-row.js';

const plain: Painter = new Proxy({} as Painter, { get: () => (s: string) => s });

test('metricDirection: losses and errors go down, everything else up', () => {
  for (const [name, want] of [
    ['loss', 'lower'],
    ['val_loss', 'lower'],
    ['valLoss', 'lower'],
    ['logloss', 'lower'],
    ['RMSE', 'lower'],
    ['test/mae', 'lower'],
    ['mse.fold1', 'lower'],
    ['error_rate', 'lower'],
    ['errorRate', 'lower'],
    ['wer', 'lower'],
    ['perplexity', 'lower'],
    ['accuracy', 'higher'],
    ['auc', 'higher'],
    ['f1', 'higher'],
    ['lossless_ratio', 'higher'],
    ['terror', 'higher'],
    ['r2', 'higher'],
  ] as const)
    assert.equal(metricDirection(name), want, name);
});

test('compareMetrics: values, deltas from the first commit, best by direction', () => {
  const rows = compareMetrics([
    { metrics: { auc: 0.8, loss: 0.5, only_a: 1 } },
    { metrics: { auc: 0.9, loss: 0.4 } },
    { metrics: { auc: 0.85, loss: 0.6, only_c: 3 } },
  ]);
  assert.deepEqual(
    rows.map((r) => r.name),
    ['auc', 'loss', 'only_a', 'only_c'],
  );
  const [auc, loss, onlyA, onlyC] = rows;
  assert.deepEqual(auc!.best, [1]);
  assert.equal(auc!.direction, 'higher');
  assert.deepEqual(
    auc!.deltas.map((d) => (d === null ? null : Number(d.toFixed(6)))),
    [0, 0.1, 0.05],
  );
  assert.deepEqual(loss!.best, [1]);
  assert.equal(loss!.direction, 'lower');
  assert.deepEqual(onlyA!.values, [1, null, null]);
  assert.deepEqual(onlyA!.best, [], 'one value is no contest');
  assert.deepEqual(onlyC!.deltas, [null, null, null], 'no baseline, no delta');
});

test('compareMetrics: ties share best, all-equal has none, own keys only', () => {
  const [a] = compareMetrics([
    { metrics: { acc: 0.9 } },
    { metrics: { acc: 0.9 } },
    { metrics: { acc: 0.8 } },
  ]);
  assert.deepEqual(a!.best, [0, 1]);
  const [b] = compareMetrics([{ metrics: { acc: 0.5 } }, { metrics: { acc: 0.5 } }]);
  assert.deepEqual(b!.best, []);
  const [c] = compareMetrics([{ metrics: { constructor: 1 } }, { metrics: {} }]);
  assert.deepEqual(c!.values, [1, null]);
});

test('formatDelta', () => {
  for (const [d, want] of [
    [null, ''],
    [0, '±0'],
    [0.1, '+0.1'],
    [-2.5, '−2.5'],
    [0.1 + 0.2 - 0.3, '+5.5511e-17'],
    [1 / 3, '+0.333333'],
  ] as const)
    assert.equal(formatDelta(d), want, String(d));
});

test('lineHunks + renderUnified: a unified diff git would print', () => {
  const h = lineHunks('a\nb\nc\n', 'a\nB\nc\nd\n');
  assert.equal(
    renderUnified(h, { old: 'a/x', new: 'b/x' }),
    '--- a/x\n+++ b/x\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n',
  );
  assert.deepEqual(lineHunks('same\n', 'same\n'), []);
  assert.equal(renderUnified([]), '');
});

test('similarity', () => {
  assert.equal(similarity('x', 'x'), 1);
  assert.equal(similarity('', ''), 1);
  assert.ok(similarity('lr = 0.1\nmodel.fit()', 'lr = 0.2\nmodel.fit()') > 0.8);
  assert.ok(similarity('import numpy', '# Results') < 0.5);
});

const cell = (cell_type: string, source: string | string[], extra: object = {}) => ({
  cell_type,
  source,
  metadata: {},
  ...(cell_type === 'code' ? { outputs: [], execution_count: null } : {}),
  ...extra,
});
const nb = (...cells: object[]) => ({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });

test('diffNotebooks: outputs and execution counts are not changes', () => {
  const a = nb(
    cell('code', 'print(1)', { execution_count: 1, outputs: [{ output_type: 'stream', text: '1' }] }),
  );
  const b = nb(cell('code', ['print(1)'], { execution_count: 7, outputs: [] }));
  const d = diffNotebooks(a, b);
  assert.deepEqual(
    d.cells.map((c) => c.kind),
    ['unchanged'],
  );
  assert.equal(renderNotebookDiff(d, { old: 'a', new: 'b' }), '');
});

test('diffNotebooks: cells aligned by sequence, then paired by similarity', () => {
  const a = nb(
    cell('markdown', '# Title'),
    cell('code', 'import numpy as np'),
    cell('code', 'lr = 0.1\nepochs = 10\nfit(lr, epochs)'),
    cell('code', 'plot()'),
    cell('markdown', 'The end'),
  );
  const b = nb(
    cell('markdown', '# Title'),
    cell('code', 'import numpy as np'),
    cell('markdown', 'A new explanation of everything'),
    cell('code', 'lr = 0.05\nepochs = 10\nfit(lr, epochs)'),
    cell('markdown', 'The end'),
  );
  const d = diffNotebooks(a, b);
  assert.deepEqual(
    d.cells.map((c) => [c.kind, c.a, c.b]),
    [
      ['unchanged', 0, 0],
      ['unchanged', 1, 1],
      ['added', null, 2],
      ['modified', 2, 3],
      ['removed', 3, null],
      ['unchanged', 4, 4],
    ],
  );
  assert.deepEqual([d.added, d.removed, d.modified], [1, 1, 1]);
  const mod = d.cells[3]!;
  assert.deepEqual(mod.hunks[0]!.lines, ['-lr = 0.1', '+lr = 0.05', ' epochs = 10', ' fit(lr, epochs)']);
  const text = renderNotebookDiff(d, { old: 'a/nb', new: 'b/nb' });
  assert.match(
    text,
    /^--- a\/nb\n\+\+\+ b\/nb\n## new cell 2 \(markdown\)\n@@ -0,0 \+1 @@\n\+A new explanation/,
  );
  assert.match(text, /## cell 2 → 3 \(code\)\n@@ -1,3 \+1,3 @@\n-lr = 0.1\n\+lr = 0.05\n/);
  assert.match(text, /## cell 3 \(code\) removed\n@@ -1 \+0,0 @@\n-plot\(\)\n/);
  assert.doesNotMatch(text, /No newline/);
});

test('diffNotebooks: anything but a notebook has no cells', () => {
  assert.deepEqual(diffNotebooks(null, { cells: 'x' }).cells, []);
});

const ports = (files: Record<string, unknown>, code: ComparePorts['codeDiff']): ComparePorts => ({
  readCommitFile: async (id, name) => {
    const v = files[`${id}/${name}`];
    return v === undefined ? null : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  },
  codeDiff: code,
});

test('compareCommits: metadata, metrics, notebook diff and the code diff between first and last', async () => {
  const A = '20250101_000000';
  const B = '20250102_000000';
  const rows = [
    commitRow({
      id: A,
      status: 'succeeded',
      timestamp: '2025-01-01T00:00:00Z',
      notebook: 'nb.ipynb',
      output_path: `${A}/nb.ipynb`,
      metrics: { loss: 0.5 },
      machine: { name: 'm', state: 'gone', zone: 'z1', machine_type: 'n1' },
    }),
    commitRow({
      id: B,
      status: 'failed',
      timestamp: '2025-01-02T00:00:00Z',
      notebook: 'nb.ipynb',
      output_path: `${B}/nb.ipynb`,
      metrics: { loss: 0.4 },
    }),
  ];
  const seen: unknown[] = [];
  const cmp = await compareCommits(
    rows,
    ports(
      {
        [`${A}/metadata.json`]: {
          source_commit: 'a'.repeat(40),
          notebook_path: 'sub/nb.ipynb',
          parameters: { lr: 0.1 },
        },
        [`${B}/metadata.json`]: {
          source_commit: 'b'.repeat(40),
          notebook_path: 'sub/nb.ipynb',
          zone: 'z2',
          machine_type: 'n2',
        },
        [`${A}/nb.ipynb`]: nb(cell('code', 'x = 1')),
        [`${B}/nb.ipynb`]: nb(cell('code', 'x = 2')),
      },
      async (from, to, exclude) => {
        seen.push([from.snapshot, to.snapshot, exclude]);
        return { ok: true, value: 'diff --git a/t.py b/t.py\n' };
      },
    ),
  );
  assert.deepEqual(seen, [['a'.repeat(40), 'b'.repeat(40), ['sub/nb.ipynb']]]);
  assert.equal(cmp.from, A);
  assert.equal(cmp.to, B);
  assert.deepEqual(cmp.commits[0]!.parameters, { lr: 0.1 });
  assert.equal(cmp.commits[0]!.zone, 'z1');
  assert.deepEqual([cmp.commits[1]!.zone, cmp.commits[1]!.machine_type], ['z2', 'n2']);
  assert.deepEqual(cmp.metrics[0]!.best, [1]);
  assert.equal(cmp.notebook?.modified, 1);
  assert.deepEqual(cmp.code, { ok: true, diff: 'diff --git a/t.py b/t.py\n' });
  const text = renderComparison(cmp, plain);
  assert.match(text, /loss\s+0\.5\s+0\.4 \(−0\.1\)\*/);
  assert.match(text, /-x = 1\n\+x = 2/);
  assert.match(text, /diff --git a\/t\.py/);
});

test('compareCommits: a missing notebook and an unreadable code repository are notes', async () => {
  const rows = ['20250101_000000', '20250102_000000'].map((id) =>
    commitRow({ id, status: 'provisioning', timestamp: '2025-01-01T00:00:00Z' }),
  );
  const cmp = await compareCommits(
    rows,
    ports({}, async () => ({ ok: false, error: 'cannot read: denied' })),
  );
  assert.equal(cmp.notebook, null);
  assert.match(cmp.notebook_note ?? '', /20250101_000000 and 20250102_000000/);
  assert.deepEqual(cmp.code, { ok: false, note: 'cannot read: denied' });
  assert.match(renderComparison(cmp, plain), /code \(snapshots, other files\)\n {2}cannot read: denied/);
});

test('show: data and text, control characters escaped', () => {
  const row = commitRow({
    id: '20250101_000000',
    status: 'failed',
    timestamp: '2025-01-01T00:00:00Z',
    notes: 'evil \x1b]52;c;AAAA\x07 notes',
    error: { cell: 3, ename: 'ValueError', evalue: 'bad' },
    metrics: { auc: 0.9 },
    attempt: 2,
    attempts: [{ attempt: 1, status: 'stopped', started_at: 's', finished_at: 'f' }],
    output_path: '20250101_000000/nb.ipynb',
  });
  const d = showData(row, { source_commit: 'c'.repeat(40) }, null);
  assert.equal(d.snapshot, 'c'.repeat(40));
  assert.equal(d.links.log, 'mymlops logs 20250101_000000');
  const text = renderShow(d, plain);
  assert.ok(!text.includes('\x1b'), 'no raw ESC');
  assert.match(text, /evil \\x1b\]52;c;AAAA\\x07 notes/);
  assert.match(text, /error: +ValueError: bad \(cell 3\)/);
  assert.match(text, /auc +0\.9/);
  assert.match(text, /1 +stopped +s → f\n +2 +failed +\(this attempt\)/);
});

test('compareCommits: a notebook over the size limit is not parsed, a note says so', async () => {
  const [A, B] = ['20250101_000000', '20250102_000000'];
  const rows = [A, B].map((id) =>
    commitRow({
      id,
      status: 'succeeded',
      timestamp: 't',
      notebook: 'nb.ipynb',
      output_path: `${id}/nb.ipynb`,
    }),
  );
  const big = nb(cell('code', 'x'.repeat(3_000_000)));
  const files = { [`${A}/nb.ipynb`]: nb(cell('code', 'x = 1')), [`${B}/nb.ipynb`]: big };
  const code = async () => ({ ok: true as const, value: '' });
  const limited = await compareCommits(rows, ports(files, code), { maxNotebookBytes: 1_000_000 });
  assert.equal(limited.notebook, null);
  assert.match(
    limited.notebook_note ?? '',
    /notebook of 20250102_000000 is 3 MB, more than the 1 MB compared here/,
  );
  const whole = await compareCommits(rows, ports(files, code));
  assert.notEqual(whole.notebook, null, 'without a limit (show, diff) it is compared');
  assert.equal(whole.notebook_note, null);
});
