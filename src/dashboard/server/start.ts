// The dashboard wired to a loaded config: the output repository index, the backend and launch
// records through one StatusService, served by createDashboard. `overrides` lets tests swap a source.
import type { Config } from '../../config/types.js';
import { outputRepoIndex, statusSources } from '../../adapters/output-repo/status-sources.js';
import { StatusService, type StatusSources } from '../../core/status/service.js';
import { createDashboard, type Dashboard } from './server.js';

export interface StartOptions {
  home: string;
  host: string;
  port: number;
  assetsDir: string;
  /** Adds to the sources (the dev-VM details and tunnels of `withDevVms`). */
  wrapSources?: (s: StatusSources) => StatusSources;
  overrides?: Partial<StatusSources>;
}

export async function startDashboard(
  cfg: Config,
  opts: StartOptions,
): Promise<Dashboard & { service: StatusService }> {
  const index = outputRepoIndex(cfg, opts.home);
  const sources = {
    ...statusSources(cfg, opts.home, { failWhenUnreachable: false, index }),
    ...opts.overrides,
  };
  const service = new StatusService(sources);
  const out = cfg.commit?.output_repository;
  const dash = await createDashboard({
    snapshot: () => service.snapshot(),
    readCommitFile: (id, name) => index.readFile(id, name),
    links: cfg.dashboard.links,
    outputRepo: out ? { url: out.url, branch: out.branch } : null,
    assetsDir: opts.assetsDir,
    host: opts.host,
    port: opts.port,
  });
  return { ...dash, service };
}
