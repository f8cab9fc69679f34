// nbformat 3 notebooks as the viewer reads them (src/core/notebook-format.ts, the one upgrade commit and the viewer share), against
// nbformat's own v3 → v4 upgrade (python3-nbformat's `nbformat.read(f, as_version=4)`): the same
// cells with the same sources, counts, outputs and mime types.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { upgradeNotebook } from '../../src/core/notebook-format.js';
import { FIXTURES } from '../helpers/output-repo.js';

type Json = Record<string, unknown>;
const text = (v: unknown) => (Array.isArray(v) ? v.join('') : v);

/** What the viewer reads of a notebook: no ids, no nbformat bookkeeping, sources as one string. */
function comparable(nb: Json): unknown {
  return (nb['cells'] as Json[]).map((c) => {
    const { id: _id, attachments: _a, ...rest } = c;
    const out: Json = { ...rest, source: text(c['source']) };
    if (Array.isArray(c['outputs']))
      out['outputs'] = (c['outputs'] as Json[]).map((o) => {
        const r: Json = { ...o };
        if (o['text'] !== undefined) r['text'] = text(o['text']);
        if (o['data'])
          r['data'] = Object.fromEntries(
            Object.entries(o['data'] as Json).map(([k, v]) => [k, k === 'application/json' ? v : text(v)]),
          );
        return r;
      });
    return out;
  });
}

function nbformatUpgrade(file: string): Json {
  const py = 'import json, sys, nbformat\nprint(json.dumps(nbformat.read(sys.argv[1], as_version=4)))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' })) as Json;
}

const MORE_V3 = {
  metadata: { name: 'two sheets' },
  nbformat: 3,
  nbformat_minor: 0,
  worksheets: [
    {
      metadata: {},
      cells: [
        { cell_type: 'heading', level: 3, metadata: {}, source: ['A heading\n', 'on two lines'] },
        { cell_type: 'raw', metadata: {}, source: ['raw text'] },
        {
          cell_type: 'code',
          collapsed: true,
          input: 'x',
          language: 'python',
          metadata: {},
          prompt_number: 7,
          outputs: [
            {
              output_type: 'pyout',
              prompt_number: 7,
              metadata: {},
              html: ['<b>x</b>'],
              latex: ['$x$'],
              text: ['x'],
              svg: ['<svg></svg>'],
              jpeg: 'AAAA',
              json: '{"a": 1}',
            },
            { output_type: 'stream', stream: 'stderr', text: ['warn\n'] },
          ],
        },
      ],
    },
    { metadata: {}, cells: [{ cell_type: 'markdown', metadata: {}, source: 'second sheet' }] },
  ],
};

test('nbformat 3 notebooks upgrade as nbformat upgrades them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mymlops-nbformat-'));
  try {
    const more = join(dir, 'more.ipynb');
    writeFileSync(more, JSON.stringify(MORE_V3));
    for (const file of [join(FIXTURES, 'viewer', 'v3.ipynb'), more]) {
      const ours = upgradeNotebook(JSON.parse(readFileSync(file, 'utf8'))) as Json;
      assert.equal(ours['nbformat'], 4);
      assert.deepEqual(comparable(ours), comparable(nbformatUpgrade(file)), file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nbformat 4 notebooks are left as they are', () => {
  const nb = JSON.parse(readFileSync(join(FIXTURES, 'viewer', 'math.ipynb'), 'utf8'));
  assert.equal(upgradeNotebook(nb), nb);
});
