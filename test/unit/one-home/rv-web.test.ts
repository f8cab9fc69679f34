// Rules the review of the dashboard, config, util and bench code gave one home (see
// test/helpers/one-home.ts). Their behaviour is tested where it shows: the listed-lines cap in
// test/unit/config/limits.test.ts, the scalar JSON types by `gen-compute-types --check`.
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    rule: 'config problems: the first ones listed, the rest counted',
    pattern: /length > MAX_\w*LISTED\b/,
    homes: ['src/config/errors.ts'],
  },
  {
    rule: "a Compute Engine field's JSON type (int64 as a decimal string)",
    pattern: /INT_AS_NUMBER\.has/,
    homes: ['scripts/gen-compute-types.mjs'],
    roots: ['scripts'],
  },
  {
    rule: 'which image data the viewer shows (base64, line breaks dropped) as a data: URL',
    pattern: /A-Za-z0-9\+\/=\]/,
    homes: ['src/dashboard/web/dom.ts'],
  },
  {
    rule: 'a bench figure table, its columns padded',
    pattern: /\.padEnd\(w\[i\]/,
    homes: ['bench/_shared.ts'],
    roots: ['bench'],
  },
  {
    rule: 'git run by the benches, with an author set',
    pattern: /GIT_AUTHOR_NAME/,
    homes: [],
    roots: ['bench'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
