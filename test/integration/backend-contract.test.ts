// Both compute backends against the one contract of the port: local (a temp MYMLOPS_HOME) and gce
// (on the Compute Engine simulator).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBackend } from '../../src/adapters/backends/local/local.js';
import { GceBackend } from '../../src/adapters/backends/gce/gce.js';
import { backendContract } from '../helpers/backend-contract.js';
import { startSim } from '../helpers/gce-sim.js';
import { SIM_INSTANCE, testCommitPlan, testConfig } from '../helpers/plans.js';
import type { Instance } from '../../src/config/types.js';
import { planStart } from '../../src/core/devvm/plan.js';
import type { StartPlan } from '../../src/core/ports/backend.js';

/** A dev machine plan: no watchdog (timeout 0), the test's own script as the dev script. */
function startPlan(
  backend: 'local' | 'gce',
  name: string,
  jobScript: string,
  instance: Instance | null,
): StartPlan {
  const config = {
    ...testConfig(backend),
    start: {
      command: 'true',
      instance,
      repository: { url: 'git@github.com:me/repo.git', branch: 'main', deploy_key: undefined },
      idle_shutdown: {
        timeout: 0,
        delete_after: null,
        cpu_threshold: 5,
        gpu_threshold: 5,
        interval: 10,
        action: 'stop' as const,
        jupyter_port: null,
        count_ssh_sessions: 'all' as const,
      },
    },
  };
  return planStart({ config, name, jobScript });
}
let sim: Awaited<ReturnType<typeof startSim>> | null = null;

backendContract('local', {
  setup: async (tmp) => {
    const home = join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    return { backend: new LocalBackend(home), home, close: async () => {} };
  },
  plan: (id, jobScript) => testCommitPlan(id, { jobScript, keys: {} }, { backend: 'local' }),
  unknownLog: 'throws',
  startPlan: (name, jobScript) => startPlan('local', name, jobScript, null),
});

backendContract('gce', {
  setup: async (tmp) => {
    const s = await startSim(tmp);
    sim = s;
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
      instance: SIM_INSTANCE,
      maxDurationSeconds: 3600,
    }),
  unknownLog: 'empty-done',
  startPlan: (name, jobScript) => startPlan('gce', name, jobScript, SIM_INSTANCE),
  preempt: (machine) => sim!.preempt(machine),
});
