// Rules of the dashboard with exactly one home (see test/helpers/one-home.ts). The modal's behaviour
// itself is proved in a browser by test/browser/modal.test.ts; the routes by
// test/integration/dashboard-reads-only.test.ts and the dashboard's browser tests.
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    rule: 'a modal dialog in the dashboard (backdrop, Escape, focus return)',
    pattern: /['"]Escape['"]|role:\s*['"]dialog['"]|['"]aria-modal['"]|class:\s*['"]overlay\b|activeElement/,
    homes: ['src/dashboard/web/modal.ts'],
  },
  {
    rule: 'routing a dashboard request by its method and path',
    pattern: /\breq\.(method|url)\b/,
    homes: ['src/dashboard/server/routes.ts'],
    roots: ['src/dashboard'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
