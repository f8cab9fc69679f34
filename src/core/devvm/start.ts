// The `mymlops start` use case: plan, refuse a name that is taken, launch through the backend.
import { launchFailureError } from '../launch-failure.js';
import type { ComputeBackend, StartPlan } from '../ports/backend.js';
import type { Config } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { LiveMachine } from '../model.js';
import { devStateLabel } from './access.js';
import { checkDevName, defaultDevName, planStart, startSection } from './plan.js';

export interface StartDeps {
  now(): Date;
  backend(): ComputeBackend;
  /** Throws a UserError when a key file is missing or unreadable. */
  checkKey(path: string, what: string): void;
  sshOptions: string[];
}

export interface StartOptions {
  name: string | null;
  dryRun: boolean;
}

export interface StartOutcome {
  plan: StartPlan;
  machine: LiveMachine | null;
}

export async function startDevMachine(
  config: Config,
  o: StartOptions,
  deps: StartDeps,
): Promise<StartOutcome> {
  const s = startSection(config);
  const name = o.name ? checkDevName(o.name) : defaultDevName(deps.now());
  if (s.repository.deploy_key) deps.checkKey(s.repository.deploy_key, 'start.repository.deploy_key');
  const plan = planStart({ config, name, sshOptions: deps.sshOptions });
  const backend = deps.backend();
  if (o.dryRun) return { plan, machine: null };
  const same = (await backend.list()).find((m) => m.name === name && m.state !== 'gone');
  if (same)
    throw new UserError(
      `a ${same.kind === 'start' ? 'dev machine' : 'commit machine'} named ${name} already exists (${devStateLabel(same)}${same.zone ? ` in ${same.zone}` : ''})`,
      same.kind === 'start' && same.state === 'stopped' && same.backend === 'gce'
        ? `start it again with: gcloud compute instances start ${name} --zone ${same.zone}, or pick another --name`
        : 'pick another --name',
    );
  const r = await backend.launch(plan);
  if (!r.ok) throw launchFailureError({ kind: 'start', name }, r.error);
  return { plan, machine: r.value.machine };
}
