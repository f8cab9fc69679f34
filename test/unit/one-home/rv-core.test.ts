// Rules the core review gave one home (see test/helpers/one-home.ts); their table tests:
// test/unit/machine-state.test.ts (standingFor), test/unit/status-merge.test.ts and
// test/unit/prune/prune.test.ts (a kept unpublished result), test/unit/retry.test.ts (no commit section).
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    rule: "which of a commit's machines stands for it: the live one, then the newest",
    pattern: /liveRank\(b\) - liveRank\(a\)/,
    homes: ['src/core/machine-state.ts'],
  },
  {
    rule: 'the reason that marks a failed commit whose result was kept unpublished',
    pattern: /['`]not published:/,
    homes: ['src/core/status/types.ts'],
  },
  {
    rule: 'refusing a config without a commit section',
    pattern: /\$\{[\w.]+\} has no commit section/,
    homes: ['src/core/commit/plan.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
