// The notebook adapter's pure rules: validation, clearing, progress, first error, "was executed".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearNotebook,
  firstError,
  type Notebook,
  notebookProgress,
  parseNotebook,
  serializeNotebook,
  wasExecuted,
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
    ['format 3', '{"cells": [], "nbformat": 3}', /uses notebook format 3, mymlops needs format 4/],
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

describe('notebookProgress', () => {
  const cases: [string, Notebook, { cells_done: number; cells_total: number }][] = [
    ['empty', nb([]), { cells_done: 0, cells_total: 0 }],
    ['markdown only counts nothing', nb([md]), { cells_done: 0, cells_total: 0 }],
    ['execution counts', nb([code({ execution_count: 1 }), code(), md]), { cells_done: 1, cells_total: 2 }],
    [
      'papermill status wins over counts',
      nb([pm('completed', { execution_count: 1 }), pm('running', { execution_count: 2 }), pm('pending')]),
      { cells_done: 1, cells_total: 3 },
    ],
    [
      'a failed cell is done',
      nb([pm('completed'), pm('failed'), pm('pending')]),
      { cells_done: 2, cells_total: 3 },
    ],
  ];
  for (const [name, n, want] of cases) it(name, () => assert.deepEqual(notebookProgress(n), want));
});

describe('firstError / wasExecuted', () => {
  it('finds the first error cell by index in cells (markdown included)', () => {
    const n = nb([
      md,
      code({ outputs: [{ output_type: 'stream', text: 'ok' }] }),
      code({ outputs: [errOut] }),
      code({ outputs: [{ ...errOut, ename: 'Later' }] }),
    ]);
    assert.deepEqual(firstError(n), { cell: 2, ename: 'ValueError', evalue: 'bad' });
    assert.equal(firstError(nb([code()])), null);
  });
  const exec: [string, Notebook, boolean][] = [
    ['cleared notebook', nb([md, code(), code()]), false],
    ['a count', nb([code({ execution_count: 1 }), code()]), true],
    ['an output without count', nb([code({ outputs: [{ output_type: 'stream' }] })]), true],
    ['papermill completed', nb([pm('completed')]), true],
    ['papermill pending only', nb([pm('pending')]), false],
    ['no code cells', nb([md]), true],
  ];
  for (const [name, n, want] of exec) it(`wasExecuted: ${name}`, () => assert.equal(wasExecuted(n), want));
});
