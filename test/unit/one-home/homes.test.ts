// Rules with one home in src/ (see test/helpers/one-home.ts): URL credentials, the MYMLOPS_HOME
// layout, the assembly of StatusService.
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    // Where a URL's userinfo ends: an `@` looked up, or a pattern after `://` that stops at one.
    rule: 'which part of a URL is a credential (as git reads it)',
    pattern: /indexOf\('@'\)|:\\\/\\\/\)?\(?\[\^[^\]]*@/,
    homes: ['src/util/url.ts'],
  },
  {
    rule: 'a StatusService built from a command context (sources, index, options for what differs)',
    pattern: /new StatusService\(/,
    homes: ['src/app/status/service.ts'],
  },
  {
    // A path under MYMLOPS_HOME spelled out: a join off the home, a top-level folder, a file the
    // home's readers share.
    rule: 'the MYMLOPS_HOME layout (which file lives where under the home)',
    pattern:
      /\bjoin\((?:\w+\.)*home\b\s*,|\$\{(?:\w+\.)*home\}\/|'(?:jobs|groups|repos|tmp|cache)'|\.private-|'(?:launch|result|outcome|machine|tunnels|gce-prices|gcloud-token)\.json'|'commit-ids'|'deleted\.log'|retried-/,
    homes: ['src/util/home-layout.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
