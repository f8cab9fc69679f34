// Both compute backends against the one contract of the port: local (a temp MYMLOPS_HOME) and gce
// (on the Compute Engine simulator).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBackend } from '../../src/adapters/backends/local/local.js';
import { GceBackend } from '../../src/adapters/backends/gce/gce.js';
import { backendContract } from '../helpers/backend-contract.js';
import { startSim } from '../helpers/gce-sim.js';
import { testCommitPlan } from '../helpers/plans.js';

backendContract('local', {
  setup: async (tmp) => {
    const home = join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    return { backend: new LocalBackend(home), home, close: async () => {} };
  },
  plan: (id, jobScript) => testCommitPlan(id, { jobScript, keys: {} }, { backend: 'local' }),
  unknownLog: 'throws',
});

backendContract('gce', {
  setup: async (tmp) => {
    const s = await startSim(tmp);
    const env = { ...process.env, ...s.env, MYMLOPS_GCE_CANCEL_GRACE_MS: '10000' };
    return {
      backend: new GceBackend({ env, home: s.home, notify: () => {} }),
      home: s.home,
      close: () => s.close(),
    };
  },
  plan: (id, jobScript) =>
    testCommitPlan(id, {
      jobScript,
      keys: {},
      instance: {
        zone_regex: 'us-.*',
        machine_type: 'n1-standard-4',
        snapshot: 'mymlops-image',
        image: null,
        accelerator: null,
        accelerator_count: 1,
        disk_size_gb: 100,
        disk_type: 'pd-ssd',
        spot: true,
      },
      maxDurationSeconds: 3600,
    }),
  unknownLog: 'empty-done',
});
