// The one place a StatusService is put together from a command's context: the output repository
// index, the configured backend's machines and the home's launch records (statusSources), with what
// differs between callers said by name.
import { outputRepoIndex, statusSources } from '../../adapters/output-repo/status-sources.js';
import type { OutputRepoIndex } from '../../adapters/output-repo/index.js';
import { StatusService, type StatusSources } from '../../core/status/service.js';
import type { AppContext } from '../context.js';

export interface StatusServiceOptions {
  /**
   * An output repository that was never fetched is an error (`status`, `compare`, `prune`, the
   * budget check) rather than a warning on the status (the dashboard, `retry`'s last look).
   */
  failWhenUnreachable: boolean;
  /** Parts of the sources replaced (tests: a fixed machine list). */
  overrides?: Partial<StatusSources>;
  /** Adds to the sources after the overrides: the dev machines' details (withDevVms). */
  wrap?: (s: StatusSources) => StatusSources;
}

export interface AssembledStatus {
  service: StatusService;
  /** The sources before `wrap`: what the reconciler lists machines with. */
  sources: StatusSources;
  /** The output repository index the service reads: the caller reads commit files through it. */
  index: OutputRepoIndex;
}

export function statusService(ctx: AppContext, o: StatusServiceOptions): AssembledStatus {
  const index = outputRepoIndex(ctx.config, ctx.home);
  const sources: StatusSources = {
    ...statusSources(ctx.config, ctx.home, ctx.backend(), {
      failWhenUnreachable: o.failWhenUnreachable,
      index,
    }),
    ...o.overrides,
  };
  return { service: new StatusService(o.wrap ? o.wrap(sources) : sources), sources, index };
}
