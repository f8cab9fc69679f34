// The notebook adapter's pure parts: validation, clearing, serialising (the execution rules have
// their own table test, test/unit/status/notebook-rules.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearNotebook,
  type Notebook,
  parseNotebook,
  serializeNotebook,
} from '../../../src/adapters/notebook/notebook.js';
import { UserError } from '../../../src/errors.js';

const code = (extra: Record<string, unknown> = {}) => ({
  cell_type: 'code',
  source: 'x',
  metadata: {},
  outputs: [],
  execution_count: null,
  ...extra,
});
const md = { cell_type: 'markdown', source: '# t', metadata: {} };
const nb = (cells: unknown[]): Notebook =>
  ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }) as Notebook;
const pm = (status: string, extra: Record<string, unknown> = {}) =>
  code({ metadata: { papermill: { status } }, ...extra });
const errOut = { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: [] };

describe('parseNotebook', () => {
  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"cells": [', /x\.ipynb is not valid notebook JSON/],
    ['an array', '[]', /is not a Jupyter notebook \(no "cells" list\)/],
    ['no cells', '{"nbformat": 4}', /no "cells" list/],
    ['format 2', '{"cells": [], "nbformat": 2}', /uses notebook format 2, mymlops reads formats 3 and 4/],
    ['a cell without type', '{"cells": [{}], "nbformat": 4}', /cell 0 has no cell_type/],
  ];
  for (const [name, text, re] of bad)
    it(`rejects ${name} with a one-line user error`, () => {
      assert.throws(
        () => parseNotebook(text, 'x.ipynb'),
        (e: unknown) => e instanceof UserError && re.test(e.message) && Boolean(e.fix),
      );
    });
  it('accepts a minimal notebook', () => {
    assert.equal(parseNotebook('{"cells": [], "nbformat": 4}', 'x').cells.length, 0);
  });
});

describe('clearNotebook / serializeNotebook', () => {
  it('clears outputs, counts and run records, keeps sources and other metadata', () => {
    const n = nb([
      md,
      pm('completed', {
        outputs: [errOut],
        execution_count: 3,
        metadata: { papermill: {}, execution: {}, tags: ['a'] },
      }),
    ]);
    n.metadata = { papermill: { x: 1 }, kernelspec: { name: 'python3' } };
    const c = clearNotebook(n);
    assert.deepEqual(c.cells[1], {
      cell_type: 'code',
      source: 'x',
      metadata: { tags: ['a'] },
      outputs: [],
      execution_count: null,
    });
    assert.deepEqual(c.cells[0], md);
    assert.deepEqual(c.metadata, { kernelspec: { name: 'python3' } });
    assert.equal(n.cells[1]!.execution_count, 3, 'the input is not modified');
  });
  it('serialises like nbformat: indent 1, sorted keys, newline at the end', () => {
    const text = serializeNotebook(nb([code()]));
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /^\{\n "cells": \[\n {2}\{\n {3}"cell_type": "code",\n {3}"execution_count": null,/);
  });
});
