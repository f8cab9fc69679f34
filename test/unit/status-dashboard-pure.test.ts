// Pure parts of the dashboard: ANSI and Markdown parsing (no DOM), the Host check, the API shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiStatus } from '../../src/dashboard/server/api.js';
import { stripUrlCredentials as stripCredentials } from '../../src/util/url.js';
import { allowedHosts, hostAllowed, isLoopback } from '../../src/dashboard/server/host-check.js';
import { contentDisposition, downloadPath, downloadType } from '../../src/dashboard/server/files.js';
import { htmlOutput } from '../../src/dashboard/server/notebook-output.js';
import { parseAnsi } from '../../src/dashboard/web/ansi.js';
import {
  collapsedParts,
  collapseCarriageReturns,
  COLLAPSE_OVER_LINES,
} from '../../src/dashboard/web/output-text.js';
import { commitRow } from '../helpers/status-row.js';

test('parseAnsi: colours, bold, 256 colours, reset; other escapes dropped', () => {
  const segs = parseAnsi('\x1b[0;31mZeroDivisionError\x1b[0m: x \x1b[1;32mok\x1b[38;5;241m1\x1b[39m\x1b[2K');
  assert.deepEqual(
    segs.map((s) => [s.text, s.fg, s.bold]),
    [
      ['ZeroDivisionError', 'ansi-red', false],
      [': x ', null, false],
      ['ok', 'ansi-green', true],
      ['1', 'rgb(98,98,98)', true],
    ],
  );
  assert.deepEqual(parseAnsi('plain'), [
    { text: 'plain', fg: null, bg: null, bold: false, underline: false },
  ]);
});

test('downloadPath: the notebook or artifacts/…, nothing that leaves the commit folder', () => {
  const cases: [string, string | null][] = [
    ['exp.ipynb', 'exp.ipynb'],
    ['artifacts/model.pkl', 'artifacts/model.pkl'],
    ['artifacts/sub%20dir/a%2Bb.csv', 'artifacts/sub dir/a+b.csv'],
    ['metadata.json', null],
    ['job.log', null],
    ['../20250101_090000/exp.ipynb', null],
    ['artifacts/../../x', null],
    ['artifacts/%2e%2e/x', null],
    ['artifacts%2F..%2Fx', null],
    ['%2Fetc%2Fpasswd', null],
    ['artifacts//x', null],
    ['artifacts/./x', null],
    ['artifacts/a%00b', null],
    ['artifacts/a%5Cb', null],
    ['artifacts/%E0%A4%A', null],
  ];
  for (const [raw, want] of cases) assert.equal(downloadPath(raw), want, raw);
});

test('download headers: attachment with the base name, a content type by extension', () => {
  assert.equal(
    contentDisposition('artifacts/a "b".csv'),
    `attachment; filename="a _b_.csv"; filename*=UTF-8''a%20%22b%22.csv`,
  );
  assert.deepEqual(downloadType('exp.ipynb'), { type: 'application/x-ipynb+json', text: true });
  assert.deepEqual(downloadType('artifacts/m.PNG'), { type: 'image/png', text: false });
  assert.deepEqual(downloadType('artifacts/model'), { type: 'application/octet-stream', text: false });
  assert.deepEqual(downloadType('artifacts/constructor'), { type: 'application/octet-stream', text: false });
});

test('collapsedParts: short outputs whole, long ones as head, tail and the hidden count', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i}`).join('\n');
  assert.equal(collapsedParts(lines(COLLAPSE_OVER_LINES)), null);
  assert.equal(collapsedParts(`${lines(COLLAPSE_OVER_LINES)}\n`), null);
  const p = collapsedParts(lines(3000))!;
  assert.equal(p.total, 3000);
  assert.ok(p.head.startsWith('l0\n'));
  assert.ok(p.tail.endsWith('l2999\n'));
  assert.equal(p.head.split('\n').length - 1 + p.tail.split('\n').length - 1 + p.hidden, 3000);
});

test('Host check: loopback names with the port only', () => {
  const allowed = allowedHosts('127.0.0.1', 8000);
  for (const h of ['127.0.0.1:8000', 'localhost:8000', 'LOCALHOST:8000', '[::1]:8000'])
    assert.ok(hostAllowed(h, allowed), h);
  for (const h of [undefined, '', 'evil.com:8000', '127.0.0.1:8001', '127.0.0.1', 'localhost.evil.com:8000'])
    assert.equal(hostAllowed(h, allowed), false, String(h));
  assert.ok(isLoopback('127.0.0.2'));
  assert.equal(isLoopback('0.0.0.0'), false);
  assert.ok(hostAllowed('192.168.1.5:9000', allowedHosts('192.168.1.5', 9000)));
  assert.equal(hostAllowed('localhost:9000', allowedHosts('192.168.1.5', 9000)), false);
});

test('API: credentials stripped from URLs, web links for GitHub, links listed', () => {
  assert.equal(stripCredentials('https://user:tok@github.com/me/p.git'), 'https://github.com/me/p.git');
  assert.equal(stripCredentials('git@github.com:me/p.git'), 'git@github.com:me/p.git');
  const row = commitRow({
    id: '20241107_035340',
    status: 'succeeded',
    timestamp: '2024-11-07T03:53:40.000Z',
    notebook: 'a.ipynb',
    output_path: '20241107_035340/a.ipynb',
    repository: 'https://x:secret-token@gitlab.com/me/p.git',
    branch: 'main',
    metrics: { auc: 1 },
    format: 'original',
  });
  const api = apiStatus(
    { generated_at: 'now', version: 'v', running: 0, commits: [row], dev_vms: [], warnings: [] },
    {
      links: { Jupyter: 'http://localhost:8888/' },
      outputRepo: { url: 'git@github.com:me/out.git', branch: 'master' },
    },
  );
  assert.equal(api.commits[0]!.repository, 'https://gitlab.com/me/p.git');
  assert.equal(api.commits[0]!.web_url, 'https://github.com/me/out/blob/master/20241107_035340/a.ipynb');
  assert.deepEqual(api.links, [{ name: 'Jupyter', url: 'http://localhost:8888/' }]);
  assert.deepEqual(api.metric_columns, ['auc']);
  assert.ok(!JSON.stringify(api).includes('secret-token'));
});

test('htmlOutput picks one output of one cell', () => {
  const nb = {
    cells: [
      { outputs: [] },
      { outputs: [{ data: { 'text/plain': 'x' } }, { data: { 'text/html': ['<b>', 'hi</b>'] } }] },
    ],
  };
  assert.equal(htmlOutput(nb, 1, 1), '<b>hi</b>');
  assert.equal(htmlOutput(nb, 1, 0), null);
  assert.equal(htmlOutput(nb, 5, 0), null);
  assert.equal(htmlOutput(null, 0, 0), null);
});

test('collapseCarriageReturns keeps what a terminal shows', async () => {
  assert.equal(
    collapseCarriageReturns(' 10%|#  \r 50%|#####\r100%|##########\ndone\n'),
    '100%|##########\ndone\n',
  );
  assert.equal(collapseCarriageReturns('a\r\nb'), 'a\nb');
  assert.equal(collapseCarriageReturns('kept\r'), 'kept');
  assert.equal(collapseCarriageReturns('plain'), 'plain');
});
