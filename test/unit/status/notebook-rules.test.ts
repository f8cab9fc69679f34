// The TypeScript notebook rules against the shared fixture table (the python helper runs the same
// table in test/integration/commit/notebook-rules-py.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  firstCellError,
  hasErrorOutput,
  notebookProgress,
  wasExecuted,
} from '../../../src/core/status/notebook-scan.js';
import { RULES_DIR, ruleCases } from '../../helpers/notebook-rules.js';

describe('notebook rules (shared table)', () => {
  const cases = ruleCases();
  it('the table covers empty cells, raises-exception and papermill', () => {
    const files = cases.map((c) => c.file);
    for (const f of ['only-empty-code.ipynb', 'raises-then-error.ipynb', 'papermill-failed.ipynb'])
      assert.ok(files.includes(f), f);
  });
  for (const c of cases)
    it(`${c.file}: ${c.about}`, () => {
      const raw = readFileSync(join(RULES_DIR, c.file));
      const nb: unknown = JSON.parse(raw.toString('utf8'));
      assert.deepEqual(notebookProgress(nb), c.progress, 'progress');
      assert.deepEqual(firstCellError(nb), c.first_error, 'first error');
      assert.equal(wasExecuted(nb), c.executed, 'executed');
      // The byte prefilter may flag more (expected errors) but must never miss a real one.
      if (c.first_error) assert.equal(hasErrorOutput(raw), true, 'prefilter');
    });
  it('tolerates what is not a notebook', () => {
    for (const v of [null, 'nope', {}, { cells: 'x' }, { cells: [null, 3] }]) {
      assert.deepEqual(notebookProgress(v), { cells_done: 0, cells_total: 0 });
      assert.equal(firstCellError(v), null);
      assert.equal(wasExecuted(v), true);
    }
  });
});
