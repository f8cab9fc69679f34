// Pure planning of a dev machine (`mymlops start`): name, job.json, labels, LaunchPlan.
import type { StartPlan } from '../ports/backend.js';
import type { StartJobJson } from '../ports/job-json.js';
import type { Config, StartConfig } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { commitIdAt } from '../commit/ids.js';
import { splitUrlCredentials } from '../../util/url.js';
import type { BackendKind } from '../model.js';
import { watchdogEnv } from './watchdog.js';

/** Where GCE dev VMs keep the clone, as the original (the ssh command cds there). */
export const GCE_REPO_DIR = '/root/repo';

/** GCE instance names: lowercase letter, then letters/digits/hyphens, ≤ 63, no trailing hyphen. */
export const NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function defaultDevName(now: Date): string {
  return `mymlops-start-${commitIdAt(now).replace('_', '-')}`;
}

export function checkDevName(name: string): string {
  if (!NAME_RE.test(name))
    throw new UserError(
      `invalid dev machine name "${name}"`,
      'use 1-63 lowercase letters, digits and hyphens, starting with a letter (e.g. --name dev-gpu)',
    );
  return name;
}

export function startSection(config: Config): StartConfig {
  if (!config.start)
    throw new UserError(
      `${config.file} has no start section`,
      'add `start: {command: ..., repository: {...}, instance: {...}}` to use `mymlops start`',
    );
  if (config.backend === 'gce' && !config.start.instance)
    throw new UserError(
      'start.instance is missing',
      'add the dev VM shape under start.instance (zone_regex, machine_type, snapshot)',
    );
  return config.start;
}

export interface StartPlanInput {
  config: Config;
  name: string;
  /** Extra ssh arguments for git on the machine (MYMLOPS_SSH_OPTIONS). */
  sshOptions?: string[];
  /** The dev-machine script's text (src/core/devvm/script.ts, from the shipped assets). */
  jobScript: string;
}

export function planStart(input: StartPlanInput): StartPlan {
  const s = startSection(input.config);
  const backend: BackendKind = input.config.backend;
  const idle = s.idle_shutdown;
  // job.json and metadata carry the URL without its credentials; they go as a key file.
  const repo = splitUrlCredentials(s.repository.url);
  const jobConfig: StartJobJson = {
    version: 1,
    kind: 'start',
    name: input.name,
    command: s.command,
    repository: { url: repo.url, branch: s.repository.branch },
    repo_dir: backend === 'gce' ? GCE_REPO_DIR : null,
    ssh_options: input.sshOptions ?? [],
    guest_attributes: backend === 'gce',
    // State file and log default to the job folder (see start.sh).
    watchdog:
      idle.timeout > 0
        ? Object.fromEntries(
            Object.entries(
              watchdogEnv(idle, { mode: backend === 'gce' ? 'gce' : 'local', stateFile: '' }),
            ).filter(([k]) => k !== 'MYMLOPS_WD_STATE_FILE'),
          )
        : null,
  };
  return {
    kind: 'start',
    commitId: null,
    machineName: input.name,
    jobScript: input.jobScript,
    jobConfig,
    keys: { repository: s.repository.deploy_key },
    credentials: repo.credentials ? { repository: repo.credentials } : {},
    instance: s.instance,
    labels: { mymlops: 'start' },
    metadata: { repository: repo.url, branch: s.repository.branch },
    maxDurationSeconds: null,
    keepMachine: true,
    avoidZones: [],
  };
}
