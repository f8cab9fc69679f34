// The job's python helper (assets/job/helper.py, as shipped) against the shared notebook-rules
// table that the TypeScript rules run in test/unit/status/notebook-rules.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { JOB_HELPER_ASSET } from '../../../src/adapters/assets.js';
import { RULES_DIR, type RuleFacts, ruleCases } from '../../helpers/notebook-rules.js';

// One interpreter for the whole table: the helper imported as a module (-B: no __pycache__ in assets/).
const PROBE = `
import json, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import helper
out = {}
for f in sys.argv[3:]:
    nb = helper.load_nb(os.path.join(sys.argv[2], f))
    out[f] = None if nb is None else {"progress": helper.progress(nb), "first_error": helper.first_error(nb), "executed": helper.executed(nb)}
print(json.dumps(out))
`;

describe('python helper: notebook rules (shared table)', () => {
  const cases = ruleCases();
  const got = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      ['-B', '-c', PROBE, JOB_HELPER_ASSET, RULES_DIR, ...cases.map((c) => c.file)],
      { encoding: 'utf8' },
    ),
  ) as Record<string, RuleFacts | null>;
  for (const c of cases)
    it(`${c.file}: ${c.about}`, () => {
      const facts = got[c.file];
      assert.ok(facts, 'the helper reads it as a notebook');
      assert.deepEqual(facts.progress, c.progress, 'progress');
      assert.deepEqual(facts.first_error, c.first_error, 'first error');
      assert.equal(facts.executed, c.executed, 'executed');
    });
});
