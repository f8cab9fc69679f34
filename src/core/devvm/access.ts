// How the user reaches a dev machine: the copyable ssh / log commands and the port links. Pure.
import type { Machine } from '../model.js';
import { GCE_REPO_DIR } from './plan.js';
import { shQuote } from './watchdog.js';

/**
 * What runs on a GCE dev machine at an interactive ssh: the clone is root's (/root/repo), so a login
 * shell as root, in it. Every way of reaching the machine (`mymlops ssh`, the copyable commands of
 * `status` and the dashboard) runs this.
 */
export const ROOT_SHELL = `sudo -i bash -c ${shQuote(`cd ${GCE_REPO_DIR} && exec bash -l`)}`;

/** ssh into the repository folder as the original (root's clone, login shell). */
export function sshCommand(
  m: Pick<Machine, 'name' | 'zone' | 'backend'>,
  opts: { repoDir?: string; project?: string | null } = {},
): string {
  if (m.backend === 'local') return `cd ${shQuote(opts.repoDir ?? '.')}`;
  return [
    'gcloud compute ssh',
    m.name,
    `--zone ${m.zone ?? '<zone>'}`,
    ...(opts.project ? [`--project ${opts.project}`] : []),
    `-- -t ${shQuote(ROOT_SHELL)}`,
  ].join(' ');
}

export function logCommand(name: string): string {
  return `mymlops logs ${name}`;
}

export interface PortLink {
  remote: number;
  /** The port the browser opens on this computer (tunnel, or the port itself locally). */
  local: number;
  url: string;
}

/** Local backend: ports are served on this machine, so they link directly. */
export function portLinks(
  remotePorts: readonly number[],
  assigned: Record<string, number> | null,
): PortLink[] {
  return remotePorts.map((remote) => {
    const local = assigned ? assigned[String(remote)] : remote;
    return { remote, local: local ?? remote, url: `http://localhost:${local ?? remote}/` };
  });
}
