import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAgo, formatDuration } from '../../src/core/status/format.js';
import { extractMetrics, metricColumns } from '../../src/core/status/metrics.js';
import { firstCellError, hasErrorOutput } from '../../src/core/status/notebook-scan.js';
import { parseRepoUrl, webFileUrl } from '../../src/core/status/web-link.js';
import { commitRow } from '../helpers/status-row.js';

test('formatDuration', () => {
  for (const [s, want] of [
    [0, '0s'],
    [45, '45s'],
    [750, '12m30s'],
    [3840, '1h04m'],
    [86400 + 3 * 3600, '1d03h'],
  ] as const)
    assert.equal(formatDuration(s), want, String(s));
});

test('formatAgo', () => {
  const now = new Date('2024-11-07T12:00:00Z');
  for (const [iso, want] of [
    ['2024-11-07T11:59:50Z', 'just now'],
    ['2024-11-07T11:48:00Z', '12 min ago'],
    ['2024-11-07T09:00:00Z', '3 h ago'],
    ['2024-11-06T01:00:00Z', '35 h ago'],
    ['2024-11-05T12:00:00Z', '2 days ago'],
    ['2024-11-08T12:00:00Z', 'in the future'],
    ['garbage', '?'],
  ] as const)
    assert.equal(formatAgo(iso, now), want, iso);
});

test('extractMetrics keeps a flat object of finite numbers', () => {
  assert.deepEqual(extractMetrics('{"auc": 0.9, "loss": 1e-3}'), {
    metrics: { auc: 0.9, loss: 0.001 },
    problem: null,
  });
  const mixed = extractMetrics('{"auc": 0.9, "name": "x", "nested": {"a": 1}}');
  assert.deepEqual(mixed.metrics, { auc: 0.9 });
  assert.match(mixed.problem ?? '', /2 value\(s\) ignored/);
  assert.deepEqual(extractMetrics('[1,2]').metrics, {});
  assert.match(extractMetrics('{oops').problem ?? '', /not valid JSON/);
  assert.deepEqual(metricColumns([{ metrics: { b: 1 } }, { metrics: { a: 1, b: 2 } }]), ['b', 'a']);
});

test('hasErrorOutput finds error outputs in any JSON spacing and ignores the text in strings', () => {
  const err = (sep: string) =>
    Buffer.from(`{"cells":[{"outputs":[{"output_type"${sep}"error","ename":"E","evalue":"v"}]}]}`);
  assert.equal(hasErrorOutput(err(':')), true);
  assert.equal(hasErrorOutput(err(': ')), true);
  assert.equal(hasErrorOutput(err(' :\n  ')), true);
  const inString = JSON.stringify({
    cells: [
      {
        source: '"output_type": "error"',
        outputs: [{ output_type: 'stream', text: '"output_type": "error"' }],
      },
    ],
  });
  assert.equal(hasErrorOutput(Buffer.from(inString)), false);
  assert.equal(
    hasErrorOutput(
      Buffer.from(JSON.stringify({ cells: [{ outputs: [{ output_type: 'execute_result' }] }] })),
    ),
    false,
  );
});

test('firstCellError names the first failing cell', () => {
  const nb = {
    cells: [
      { outputs: [] },
      { source: 'md' },
      {
        outputs: [
          { output_type: 'stream' },
          { output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero' },
        ],
      },
    ],
  };
  assert.deepEqual(firstCellError(nb), { cell: 2, ename: 'ZeroDivisionError', evalue: 'division by zero' });
  assert.equal(firstCellError({ cells: [] }), null);
  assert.equal(firstCellError('nope'), null);
});

test('webFileUrl links GitHub and GitLab only', () => {
  assert.deepEqual(parseRepoUrl('git@github.com:me/out.git'), { host: 'github.com', path: 'me/out' });
  assert.equal(
    webFileUrl('git@github.com:me/out.git', 'master', '20241107_035340/exp 1.ipynb'),
    'https://github.com/me/out/blob/master/20241107_035340/exp%201.ipynb',
  );
  assert.equal(
    webFileUrl('https://gitlab.com/group/sub/out.git', 'main', '20241107_035340/a.ipynb'),
    'https://gitlab.com/group/sub/out/-/blob/main/20241107_035340/a.ipynb',
  );
  assert.equal(
    webFileUrl('ssh://git@github.com/me/out.git', 'main', 'a/b.ipynb'),
    'https://github.com/me/out/blob/main/a/b.ipynb',
  );
  assert.equal(webFileUrl('/srv/git/out.git', 'main', 'a/b.ipynb'), null);
  assert.equal(webFileUrl('git@example.org:me/out.git', 'main', 'a/b.ipynb'), null);
});

test('renderTable: header, colour per status, relative times, notes clipped to the terminal width', async () => {
  const { renderTable, whenText } = await import('../../src/core/status/table.js');
  const tag = (t: string) => (s: string) => `<${t}>${s}</${t}>`;
  const paint = {
    green: tag('g'),
    red: tag('r'),
    blue: tag('b'),
    cyan: tag('c'),
    yellow: tag('y'),
    magenta: tag('m'),
    dim: (s: string) => s,
    bold: (s: string) => s,
  };
  const now = new Date('2024-11-07T12:00:00Z');
  const base = {
    timestamp: '2024-11-07T10:00:00.000Z',
    started_at: '2024-11-07T10:00:00.000Z',
    notebook: 'exp.ipynb',
    format: 'mymlops' as const,
  };
  const rows = [
    commitRow({
      ...base,
      id: '20241107_110000',
      status: 'processing',
      started_at: '2024-11-07T11:55:00Z',
      notes: 'running',
      progress: { cells_done: 3, cells_total: 10 },
    }),
    commitRow({
      ...base,
      id: '20241107_100000',
      status: 'succeeded',
      finished_at: '2024-11-07T11:48:00Z',
      duration_seconds: 3840,
      notes: 'a very long note that will not fit in a narrow terminal at all',
    }),
  ];
  assert.equal(whenText(rows[0]!, now), 'running 5m00s, 3/10 cells');
  assert.equal(whenText(rows[1]!, now), 'finished 12 min ago, took 1h04m');
  const out = renderTable(rows, { now, paint, width: 100 }).split('\n');
  assert.match(out[0]!, /^STATUS\s+ID\s+NOTEBOOK\s+WHEN\s+NOTES$/);
  assert.match(out[1]!, /^<b>processing<\/b>\s+20241107_110000/);
  assert.match(out[2]!, /^<g>succeeded \s*<\/g>/);
  assert.ok(out[2]!.endsWith('…'), 'clipped');
  assert.match(renderTable([], { now, paint, width: null }), /no commits yet/);
});
