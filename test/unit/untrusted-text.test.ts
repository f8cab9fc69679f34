// Text from an output repository or a notebook reaches the terminal escaped, and metric names are
// just names (never Object.prototype's members).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractMetrics, metricColumns } from '../../src/core/status/metrics.js';
import { renderTable } from '../../src/core/status/table.js';
import type { ApiCommit } from '../../src/dashboard/server/api.js';
import { columns } from '../../src/dashboard/web/columns.js';
import { escapeControl, own } from '../../src/util/terminal-text.js';
import { commitRow } from '../helpers/status-row.js';

const plain = { green: id, red: id, blue: id, cyan: id, yellow: id, magenta: id, dim: id, bold: id };
function id(s: string): string {
  return s;
}

describe('escapeControl', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['\x1b]52;c;ZXZpbA==\x07', '\\x1b]52;c;ZXZpbA==\\x07'],
    ['\x1b[2J\x1b[H', '\\x1b[2J\\x1b[H'],
    ['a\rb\nc\td', 'a\\x0db\\x0ac\\x09d'],
    ['del\x7f c1\x9b', 'del\\x7f c1\\x9b'],
    ['rtl \u202eevil', 'rtl \\u202eevil'],
    ['ünïcödé 実験 🚀', 'ünïcödé 実験 🚀'],
    ['\\x1b stays', '\\x1b stays'],
  ];
  for (const [input, want] of cases)
    it(JSON.stringify(input), () => assert.equal(escapeControl(input), want));
});

describe('status table: untrusted fields printed escaped', () => {
  it('notes, notebook names and metric names carry no control character to the terminal', () => {
    const row = commitRow({
      id: '20250101_000000',
      status: 'failed',
      timestamp: '2025-01-01T00:00:00Z',
      notebook: 'nb\x1b]0;title\x07.ipynb',
      notes: 'copy \x1b]52;c;ZXZpbA==\x07 me',
      reason: 'error \x1b[31mred',
      metrics: { 'acc\x1b[2J': 0.5 },
    });
    const out = renderTable([row], { now: new Date('2025-01-02T00:00:00Z'), paint: plain, width: null });
    assert.doesNotMatch(out.replace(/\n/g, ''), /[\x00-\x1f\x7f]/);
    assert.match(out, /nb\\x1b\]0;title\\x07\.ipynb/);
    assert.match(out, /copy \\x1b\]52;c;ZXZpbA==\\x07 me \(error \\x1b\[31mred\)/);
    assert.match(out, /acc\\x1b\[2J=0\.5/);
  });
});

describe('status table: parameter columns from metadata.json', () => {
  const at = { status: 'succeeded' as const, timestamp: '2025-01-01T00:00:00Z' };
  const now = new Date('2025-01-02T00:00:00Z');

  it('names and values carry no control character to the terminal', () => {
    const row = commitRow({ ...at, id: '20250101_000000' });
    row.parameters = { 'lr\x1b[2J': 'a\x1b]52;c;ZXZpbA==\x07b', tags: ['\u202e'] };
    const out = renderTable([row], { now, paint: plain, width: null });
    assert.doesNotMatch(out.replace(/\n/g, ''), /[\x00-\x1f\x7f\u202e]/);
    assert.match(out, /lr\\x1b\[2J/);
    assert.match(out, /a\\x1b\]52;c;ZXZpbA==\\x07b/);
    assert.match(out, /\["\\u202e"\]/);
  });

  it('a parameter named like an Object.prototype member leaves other rows empty in its column', () => {
    const a = commitRow({ ...at, id: '20250101_000001' });
    a.parameters = JSON.parse('{"constructor": 3, "__proto__": "x"}') as Record<string, unknown>;
    const b = commitRow({ ...at, id: '20250101_000002' });
    b.parameters = {};
    const lines = renderTable([a, b], { now, paint: plain, width: null }).split('\n');
    assert.match(lines[0]!, /constructor +__proto__/);
    assert.match(lines.find((l) => l.includes('20250101_000001'))!, / 3 +x$/);
    const other = lines.find((l) => l.includes('20250101_000002'))!;
    assert.doesNotMatch(other, /\{\}|function|undefined/);
  });
});

describe('metrics named like Object.prototype members', () => {
  const names = ['valueOf', 'toString', 'constructor', '__proto__', 'hasOwnProperty'];
  it('are read as own properties and become columns', () => {
    const text = `{${names.map((n, i) => `"${n}": ${i + 1}`).join(', ')}, "loss": 0.25}`;
    const m = extractMetrics(text);
    assert.equal(m.problem, null);
    assert.deepEqual(Object.keys(m.metrics), [...names, 'loss']);
    assert.equal(own(m.metrics, '__proto__'), 4);
    assert.equal(Object.getPrototypeOf(m.metrics), Object.prototype, 'no prototype was replaced');
    assert.deepEqual(metricColumns([{ metrics: m.metrics }]), [...names, 'loss']);
  });

  it('leave every dashboard row renderable, with or without the metric', () => {
    const withIt = { ...commitRow({ id: 'a', status: 'succeeded', timestamp: '2025-01-01T00:00:00Z' }) };
    withIt.metrics = extractMetrics('{"valueOf": 0.5, "loss": 1}').metrics;
    const without = commitRow({ id: 'b', status: 'succeeded', timestamp: '2025-01-01T00:00:00Z' });
    without.metrics = { loss: 2 };
    const cols = columns(['valueOf', 'toString', 'constructor', 'loss']).filter((c) =>
      c.key.startsWith('m:'),
    );
    for (const row of [withIt, without] as ApiCommit[])
      for (const c of cols) {
        const cell = c.cell(row, 0, () => {});
        assert.equal(typeof cell, 'string', `${c.key} of ${row.id}`);
        const sort = c.sort(row, 0);
        assert.ok(sort === null || typeof sort === 'number', `${c.key} of ${row.id} sorts by a number`);
      }
    assert.equal(
      cols[0]!.cell(without as ApiCommit, 0, () => {}),
      cols[1]!.cell(without as ApiCommit, 0, () => {}),
    );
  });
});

describe('own', () => {
  it('never returns an inherited member', () => {
    const r: Record<string, number> = { a: 1 };
    assert.equal(own(r, 'a'), 1);
    for (const k of ['valueOf', 'toString', 'constructor', '__proto__']) assert.equal(own(r, k), undefined);
  });
});
