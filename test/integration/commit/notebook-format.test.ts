// nbformat 3 notebooks are read by upgrading them: `commit` (parseNotebook) against nbformat's own
// upgrade (nbformat.read(..., as_version=4)) of the same file, and the shipped runner executes one.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseNotebook } from '../../../src/adapters/notebook/notebook.js';
import { JOB_RUNNER_ASSET } from '../../../src/adapters/assets.js';
import { ROOT } from '../../helpers/cli.js';

const V3 = join(ROOT, 'test', 'fixtures', 'notebook-v3', 'v3.ipynb');
const PY = '/usr/bin/python3';
const hasNbformat = spawnSync(PY, ['-c', 'import nbformat'], { stdio: 'ignore' }).status === 0;

/** What may differ: random cell ids, the minor version, the record of the original format, and
 * whether multi-line text is kept as a list of lines (both mean the same text). */
const MULTILINE = new Set(['source', 'text', 'text/plain', 'text/html', 'text/latex']);
function normal(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return MULTILINE.has(key) ? v.join('') : v.map((x) => normal(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      if (!['id', 'nbformat_minor', 'orig_nbformat', 'orig_nbformat_minor'].includes(k))
        out[k] = normal(x, k);
    return out;
  }
  return v;
}

describe('nbformat 3', { skip: !hasNbformat && 'python3-nbformat not installed' }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-nbformat3-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('commit reads it as nbformat upgrades it', () => {
    const ours = parseNotebook(readFileSync(V3, 'utf8'), 'v3.ipynb');
    const theirs: unknown = JSON.parse(
      execFileSync(
        PY,
        ['-c', 'import json, sys, nbformat; print(json.dumps(nbformat.read(sys.argv[1], as_version=4)))', V3],
        {
          encoding: 'utf8',
        },
      ),
    );
    assert.equal(ours.nbformat, 4);
    assert.deepEqual(normal(ours), normal(theirs));
  });

  it('the shipped runner executes it and writes format 4', {
    skip: spawnSync(PY, ['-c', 'import nbclient, ipykernel']).status !== 0,
  }, () => {
    const nb = join(tmp, 'v3.ipynb');
    copyFileSync(V3, nb);
    const r = spawnSync(PY, [JOB_RUNNER_ASSET, nb], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(readFileSync(nb, 'utf8')) as {
      nbformat: number;
      cells: { outputs?: { ename?: string }[] }[];
    };
    assert.equal(out.nbformat, 4);
    // The marker cell, then the cells as upgraded: the fifth is 1/0.
    assert.equal(out.cells[5]!.outputs![0]!.ename, 'ZeroDivisionError');
  });
});
