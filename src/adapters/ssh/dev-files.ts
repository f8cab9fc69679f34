// Reads a file from a dev machine's clone (`commit --instance NAME PATH`): the local backend's
// clone under <home>/dev/NAME/repo, or /root/repo/PATH on a GCE dev VM over `gcloud compute ssh`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComputeBackend } from '../../core/ports/backend.js';
import { isRunning } from '../../core/machine-state.js';
import { GCE_REPO_DIR } from '../../core/devvm/plan.js';
import { shQuote } from '../../core/devvm/watchdog.js';
import { UserError } from '../../errors.js';
import { exec } from '../../util/exec.js';
import { HOME } from '../../util/home-layout.js';

export interface DevFileOptions {
  backend: ComputeBackend;
  home: string;
  project: string | null;
  gcloud?: string;
  env?: NodeJS.ProcessEnv;
}

/** The remote command: root's clone, through sudo when gcloud logs in as a normal user. */
export function remoteCat(rel: string): string {
  const p = shQuote(`${GCE_REPO_DIR}/${rel}`);
  return `if [ "$(id -u)" = 0 ]; then cat -- ${p}; else sudo -n cat -- ${p}; fi`;
}

export async function readDevFile(instance: string, rel: string, o: DevFileOptions): Promise<string> {
  const m = (await o.backend.list()).find((x) => x.kind === 'start' && x.name === instance);
  if (!m)
    throw new UserError(
      `no dev machine named ${instance}`,
      'see `mymlops status` for your dev machines, or start one with `mymlops start`',
    );
  if (!isRunning(m))
    throw new UserError(
      `dev machine ${instance} is ${m.state}${m.reason ? ` (${m.reason})` : ''}`,
      m.backend === 'gce'
        ? `start it with: gcloud compute instances start ${instance} --zone ${m.zone}`
        : 'start a new one with `mymlops start`',
    );
  if (m.backend === 'local') {
    const file = join(HOME.devRepo(o.home, instance), rel);
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new UserError(
        `${rel} cannot be read from dev machine ${instance} (${(e as NodeJS.ErrnoException).code ?? 'error'}: ${file})`,
        'pass the notebook path relative to the repository root',
      );
    }
  }
  const args = [
    'compute',
    'ssh',
    instance,
    '--zone',
    m.zone ?? '',
    ...(o.project ? ['--project', o.project] : []),
    '--quiet',
    '--',
    '-o',
    'BatchMode=yes',
    remoteCat(rel),
  ];
  const r = await exec(o.gcloud ?? 'gcloud', args, {
    allowFail: true,
    timeoutMs: 120_000,
    env: o.env ?? process.env,
  });
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
    throw new UserError(
      `cannot read ${GCE_REPO_DIR}/${rel} on dev VM ${instance}: ${why}`,
      'check the path (relative to the repository root) and that `gcloud compute ssh` works',
    );
  }
  return r.stdout;
}
