// Rules about files that have exactly one home in src/ (see test/helpers/one-home.ts).
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    rule: 'replacing a shared file (unique temp file, then rename)',
    pattern: /\brenameSync\(|\.rename\(/,
    homes: ['src/util/atomic-file.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
