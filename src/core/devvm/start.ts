// The `mymlops start` use case: plan, refuse a name that is taken, launch through the backend.
import { launchFailureError } from '../launch-failure.js';
import { launchWithFailover } from '../launch/failover.js';
import type { ComputeBackend, StartPlan } from '../ports/backend.js';
import type { Config } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { DevMachine, Machine } from '../model.js';
import { isPresent, isStopped } from '../machine-state.js';
import { devStateLabel } from './dev-state.js';
import { checkDevName, defaultDevName, planStart, startSection } from './plan.js';

export interface StartDeps {
  now(): Date;
  backend(): ComputeBackend;
  /** Throws a UserError when a key file is missing or unreadable. */
  checkKey(path: string, what: string): void;
  sshOptions: string[];
  /** The dev-machine script's text (read from the shipped assets by the caller). */
  startScript(): string;
}

export interface StartOptions {
  name: string | null;
  dryRun: boolean;
}

export interface StartOutcome {
  /** The plan with its credentials as placeholders (previewStartPlan). */
  plan: StartPlan;
  machine: Machine | null;
  /** True when an existing stopped machine was started again. */
  resumed: boolean;
}

export async function startDevMachine(
  config: Config,
  o: StartOptions,
  deps: StartDeps,
): Promise<StartOutcome> {
  const s = startSection(config);
  const name = o.name ? checkDevName(o.name) : defaultDevName(deps.now());
  if (s.repository.deploy_key) deps.checkKey(s.repository.deploy_key, 'start.repository.deploy_key');
  const plan = planStart({ config, name, sshOptions: deps.sshOptions, jobScript: deps.startScript() });
  // What the caller may print (`--dry-run --json`): the URL's credentials as placeholders.
  const shown = previewStartPlan(plan);
  const backend = deps.backend();
  if (o.dryRun) return { plan: shown, machine: null, resumed: false };
  const same = (await backend.list()).find((m) => m.name === name && isPresent(m));
  if (same) return { plan: shown, machine: await resumeDev(same, backend), resumed: true };
  const r = await launchWithFailover(backend, plan);
  if (!r.ok) throw launchFailureError({ kind: 'start', name }, r.error);
  return { plan: shown, machine: r.value.machine, resumed: false };
}

/** `start --name NAME` on an existing machine: resumes a stopped one, refuses a running one. */
export async function resumeDev(m: Machine, backend: ComputeBackend): Promise<DevMachine> {
  if (m.kind !== 'start' || !isStopped(m))
    throw new UserError(
      `a ${m.kind === 'start' ? 'dev machine' : 'commit machine'} named ${m.name} already exists (${devStateLabel(m)}${m.zone ? ` in ${m.zone}` : ''})`,
      m.kind === 'start'
        ? `stop it with \`mymlops stop ${m.name}\`, or pick another --name`
        : 'pick another --name',
    );
  const dev = backend.capabilities.devMachines;
  if (!dev) throw unsupported('resume', backend);
  const r = await dev.resumeDev(m.name);
  if (!r.ok) throw launchFailureError({ kind: 'start', name: m.name }, r.error);
  return r.value;
}

export function previewStartPlan(plan: StartPlan): StartPlan {
  if (!plan.credentials.repository) return plan;
  const hidden = '<from the start.repository URL>';
  return { ...plan, credentials: { repository: { username: hidden, password: hidden } } };
}

export function unsupported(what: string, b: ComputeBackend): UserError {
  return new UserError(`the ${b.kind} backend cannot ${what} dev machines`, 'use the cloud console');
}
