// The `mymlops start` use case: plan, refuse a name that is taken, launch through the backend.
import type { ComputeBackend, LaunchFailure, LaunchPlan } from '../../adapters/backends/types.js';
import type { Config } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { LiveMachine } from '../model.js';
import { devStateLabel } from './dev-state.js';
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
  plan: LaunchPlan;
  machine: LiveMachine | null;
  /** True when an existing stopped machine was started again. */
  resumed: boolean;
}

export function failureToUserError(name: string, f: LaunchFailure): UserError {
  const tried = f.zonesTried.length ? ` (tried ${f.zonesTried.map((z) => z.zone).join(', ')})` : '';
  switch (f.code) {
    case 'no_capacity':
      return new UserError(
        `no zone had capacity for dev VM ${name}${tried}`,
        'try again later, or widen start.instance.zone_regex',
      );
    case 'quota':
      return new UserError(
        `quota exceeded for dev VM ${name}${tried}: ${f.message}`,
        'ask for more quota, or pick another machine_type/accelerator',
      );
    case 'permission':
      return new UserError(
        `not allowed to create dev VM ${name}: ${f.message}`,
        'check the account and project (gcloud auth list)',
      );
    default:
      return new UserError(
        `could not start dev machine ${name}: ${f.message}`,
        'fix the cause above and run mymlops start again',
      );
  }
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
  if (o.dryRun) return { plan, machine: null, resumed: false };
  const same = (await backend.list()).find((m) => m.name === name && m.state !== 'gone');
  if (same) return { plan, machine: await resumeDev(same, backend), resumed: true };
  const r = await backend.launch(plan);
  if (!r.ok) {
    if (r.error.code === 'config' && /already exists/.test(r.error.message))
      throw new UserError(r.error.message, 'pick another --name');
    throw failureToUserError(name, r.error);
  }
  return { plan, machine: r.value.machine, resumed: false };
}

/** `start --name NAME` on an existing machine: resumes a stopped one, refuses a running one. */
export async function resumeDev(m: LiveMachine, backend: ComputeBackend): Promise<LiveMachine> {
  if (m.kind !== 'start' || m.state !== 'stopped')
    throw new UserError(
      `a ${m.kind === 'start' ? 'dev machine' : 'commit machine'} named ${m.name} already exists (${devStateLabel(m)}${m.zone ? ` in ${m.zone}` : ''})`,
      m.kind === 'start'
        ? `stop it with \`mymlops stop ${m.name}\`, or pick another --name`
        : 'pick another --name',
    );
  if (!backend.resumeDev) throw unsupported('resume', backend);
  const r = await backend.resumeDev(m.name);
  if (!r.ok) throw failureToUserError(m.name, r.error);
  return r.value;
}

export function unsupported(what: string, b: ComputeBackend): UserError {
  return new UserError(`the ${b.kind} backend cannot ${what} dev machines`, 'use the cloud console');
}
