// The dashboard wired to a command's context: the output repository index, the backend and launch
// records through one StatusService, served by createDashboard. `overrides` lets tests swap a source.
// Automatic retries use the context's retry deps and ssh options, as `commit` and `retry` do.
import type { AppContext } from '../../app/context.js';
import { outputRepoIndex, statusSources } from '../../adapters/output-repo/status-sources.js';
import { dirname } from 'node:path';
import { comparePorts } from '../../app/compare.js';
import { snapshotFile } from '../../adapters/git/code-diff.js';
import { compareCommits } from '../../core/compare/compare.js';
import { PreemptionWatcher } from '../../core/retry/auto.js';
import { StatusService, type StatusSnapshot, type StatusSources } from '../../core/status/service.js';
import { knownDevNames } from '../../core/known-ids.js';
import { backendDevAction } from './dev-actions.js';
import { createDashboard, type Dashboard } from './server.js';

export interface StartOptions {
  host: string;
  port: number;
  assetsDir: string;
  /** Adds to the sources (the dev-VM details and tunnels of `withDevVms`). */
  wrapSources?: (s: StatusSources) => StatusSources;
  overrides?: Partial<StatusSources>;
  /** Where automatic-retry messages go (commit.retry.preempted); default stderr. */
  notify?: (line: string) => void;
  /** With automatic retries on, status is refreshed this often even when no tab polls (ms). */
  retryPollMs?: number;
}

export async function startDashboard(
  ctx: AppContext,
  opts: StartOptions,
): Promise<
  Dashboard & {
    service: StatusService;
    /** A status refresh as a polling tab makes one (automatic retries included). */
    refresh(): Promise<StatusSnapshot>;
    retries: PreemptionWatcher | null;
  }
> {
  const cfg = ctx.config;
  const index = outputRepoIndex(cfg, ctx.home);
  const base: StatusSources = {
    ...statusSources(cfg, ctx.home, ctx.backend(), { failWhenUnreachable: false, index }),
    ...opts.overrides,
  };
  const sources = opts.wrapSources ? opts.wrapSources(base) : base;
  const service = new StatusService(sources);
  const out = cfg.commit?.output_repository;
  // commit.retry.preempted: every refresh (any tab, or the timer below) may relaunch a preempted
  // commit; the claim in its job folder keeps it to once per preemption across tabs and processes.
  const notify = opts.notify ?? ((l: string) => process.stderr.write(`${l}\n`));
  let retries: PreemptionWatcher | null = null;
  if ((cfg.commit?.retry.preempted ?? 0) > 0) {
    retries = new PreemptionWatcher(cfg, ctx.retryDeps(), notify, ctx.sshOptions);
  }
  const snapshot = async (): Promise<StatusSnapshot> => {
    const snap = await service.snapshot();
    try {
      retries?.consider(snap.commits);
    } catch (e) {
      notify(`mymlops: automatic retry skipped: ${(e as Error).message}`);
    }
    return snap;
  };
  const unreadable = new Map<string, { at: number; error: string }>();
  const dash = await createDashboard({
    snapshot,
    readCommitFile: (id, name) => index.readFile(id, name),
    ...(cfg.commit?.repository
      ? {
          readSnapshotFile: async (snap: { id: string; snapshot: string | null }, path: string) => {
            // A snapshot that could not be fetched is not fetched again for every image of the page.
            const f = unreadable.get(snap.id);
            if (f && Date.now() - f.at < 60_000) return { ok: false as const, error: f.error };
            const repo = cfg.commit!.repository;
            const r = await snapshotFile(
              ctx.home,
              {
                url: repo.url,
                deployKey: repo.deploy_key,
                sshOptions: ctx.sshOptions,
                root: dirname(cfg.file),
              },
              snap,
              path,
            );
            if (!r.ok) unreadable.set(snap.id, { at: Date.now(), error: r.error });
            return r;
          },
        }
      : {}),
    compare: (rows, pair) =>
      compareCommits(
        rows,
        comparePorts(ctx, (id, name) => index.readFile(id, name)),
        pair,
      ),
    links: cfg.dashboard.links,
    outputRepo: out ? { url: out.url, branch: out.branch } : null,
    assetsDir: opts.assetsDir,
    devAction: backendDevAction(() => ({
      backend: ctx.backend(),
      known: knownDevNames(ctx.home),
    })),
    host: opts.host,
    port: opts.port,
  });
  const timer = retries
    ? setInterval(() => void snapshot().catch(() => {}), opts.retryPollMs ?? 30_000)
    : null;
  timer?.unref();
  return {
    ...dash,
    service,
    refresh: snapshot,
    retries,
    close: () => {
      if (timer) clearInterval(timer);
      return dash.close();
    },
  };
}
