// Compute Engine rules that have exactly one home in src/ (see test/helpers/one-home.ts). Their table
// tests: test/unit/gce/vm-status.test.ts and test/integration/gce/project-resolution.test.ts.
import { test } from 'node:test';
import { assertOneHome, type HomeRule } from '../../helpers/one-home.js';

const STATES =
  'PROVISIONING|STAGING|RUNNING|STOPPING|SUSPENDING|SUSPENDED|REPAIRING|TERMINATED|STOPPED|DEPROVISIONING|PENDING_STOP|PENDING';

const PROJECT_VARIABLES = 'CLOUDSDK_CORE_PROJECT|GOOGLE_CLOUD_PROJECT|GCLOUD_PROJECT';

const RULES: HomeRule[] = [
  {
    rule: 'what a VM instance status means (state, zone use, guest, serial output)',
    // A status compared as a string, or a table row keyed by one.
    pattern: new RegExp(`['"\`](?:${STATES})['"\`]|^\\s*(?:${STATES})\\s*:`, 'm'),
    homes: ['src/adapters/gce/vm-status.ts'],
  },
  {
    rule: 'which Google Cloud project is used (config, variables, gcloud)',
    // A project variable read or listed (src/util/env.ts only declares them), or gcloud asked.
    pattern: new RegExp(`(?<!name: )'(?:${PROJECT_VARIABLES})'|'get-value'`),
    homes: ['src/adapters/gce/auth.ts'],
  },
];

for (const r of RULES) test(r.rule, () => assertOneHome(r));
