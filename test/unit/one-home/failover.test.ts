// Rules of the launch failover that have exactly one home in src/ (see test/helpers/one-home.ts).
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const RULES: HomeRule[] = [
  {
    rule: 'Compute Engine failure codes (capacity, quota, rate limit) and what each blocks',
    pattern:
      /ZONE_RESOURCE_POOL|insufficientCapacity|resourcePoolExhausted|QUOTA_EXCEEDED|quotaExceeded|rateLimitExceeded/,
    homes: ['src/adapters/gce/errors.ts'],
  },
  {
    rule: 'the failover over placements (what a failure rules out, when to stop)',
    pattern: /skipping region|no zone could take|blockedRegions/,
    homes: ['src/core/launch/failover.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
