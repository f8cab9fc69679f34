// The shared table of the notebook rules (test/fixtures/notebook-rules/): one expected.json entry
// per fixture notebook. Both implementations — src/core/status/notebook-scan.ts and the job's python
// helper — are tested against it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellError, Progress } from '../../src/core/model.js';

export const RULES_DIR = join(import.meta.dirname, '..', 'fixtures', 'notebook-rules');

export interface RuleFacts {
  progress: Progress;
  first_error: CellError | null;
  executed: boolean;
}
export interface RuleCase extends RuleFacts {
  file: string;
  about: string;
}

export function ruleCases(): RuleCase[] {
  const expected = JSON.parse(readFileSync(join(RULES_DIR, 'expected.json'), 'utf8')) as Record<
    string,
    Omit<RuleCase, 'file'>
  >;
  const notebooks = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ipynb'));
  // A fixture without an expectation (or the reverse) would silently test nothing.
  const listed = Object.keys(expected).sort();
  if (JSON.stringify(listed) !== JSON.stringify(notebooks.sort()))
    throw new Error(`expected.json lists ${listed.join(', ')} but the folder has ${notebooks.join(', ')}`);
  return listed.map((file) => ({ file, ...expected[file]! }));
}
