// Rules with exactly one home in src/ (see test/helpers/one-home.ts).
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    rule: 'replacing a shared file (unique temp file, then rename)',
    pattern: /\brenameSync\(|\.rename\(/,
    homes: ['src/util/atomic-file.ts'],
  },
  {
    rule: 'upgrading an nbformat 3 notebook (worksheets) to format 4',
    pattern: /\bworksheets\b/,
    homes: ['src/core/notebook-format.ts'],
  },
  {
    rule: 'what a git server refusing a push means and its fix',
    pattern: /hook declined/,
    homes: ['src/core/commit/push-failure.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
