// Wires the status model to the real world from the config: the output repository index, the
// configured backend's machines and the launch records under <home>/jobs.
import type { Config } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { StatusSources } from '../../core/status/service.js';
import type { ComputeBackend } from '../../core/ports/backend.js';
import { projectKeyOf, projectMachines } from '../../core/project-scope.js';
import { listLaunches } from '../store/jobs.js';
import { OutputRepoIndex } from './index.js';

/** The dashboard and `status` fetch the output repository at most this often. */
export const FETCH_MIN_INTERVAL_MS = 3000;

export function outputRepoIndex(config: Config, home: string): OutputRepoIndex {
  const out = config.commit?.output_repository;
  if (!out)
    throw new UserError(
      `${config.file} has no commit.output_repository`,
      'add a `commit:` section with `output_repository: {url: ...}` (run `mymlops init` for an example)',
    );
  return new OutputRepoIndex(home, { url: out.url, branch: out.branch, deployKey: out.deploy_key });
}

export interface SourceOptions {
  /** `status` (one shot) fails when the output repository was never fetched; the dashboard warns. */
  failWhenUnreachable: boolean;
  index?: OutputRepoIndex;
}

export function statusSources(
  config: Config,
  home: string,
  backend: ComputeBackend,
  opts: SourceOptions,
): StatusSources {
  const index = opts.index ?? outputRepoIndex(config, home);
  const project = projectKeyOf(index.spec);
  return {
    backend: config.backend,
    async refreshRepo(force) {
      const snap = await index.refresh({ fetchMinIntervalMs: force ? 0 : FETCH_MIN_INTERVAL_MS });
      const f = snap.fetch;
      let warning: string | null = null;
      if (f?.state === 'failed') {
        if (snap.head === null && opts.failWhenUnreachable)
          throw new UserError(
            `cannot fetch the output repository ${index.spec.url}: ${f.message}`,
            'check commit.output_repository.url, its branch and deploy_key',
          );
        warning =
          snap.head === null
            ? `could not fetch the output repository (${f.message})`
            : `could not fetch the output repository (${f.message}); showing what was fetched before`;
      }
      return { records: snap.records, warning, vanished: snap.vanished };
    },
    // Another project's commits launched from this home are not this project's rows.
    listMachines: async () => projectMachines(await backend.list(), listLaunches(home), project),
    listLaunches: async () => listLaunches(home, project),
  };
}
