// The dashboard wired to a command's context: the output repository index, the backend and launch
// records through one StatusService, served by createDashboard. `overrides` lets tests swap a source.
// GET routes only read the StatusService; what acts on machines (auto-delete of long-stopped dev
// machines, tunnels, automatic retries) is the reconciler, run on this server's own timer.
import type { AppContext } from '../../app/context.js';
import { statusService } from '../../app/status/service.js';
import { dirname } from 'node:path';
import type { AutodownDeps } from '../../app/dev/autodown.js';
import { comparePorts } from '../../app/results/compare.js';
import { storedArtifacts } from '../../app/results/stored-artifact.js';
import { reconciler } from '../../app/status/reconcile.js';
import type { DevTunnels } from '../../adapters/ssh/dev-tunnels.js';
import { snapshotFile } from '../../adapters/git/code-diff.js';
import { compareCommits } from '../../core/compare/compare.js';
import type { Machine } from '../../core/model.js';
import { PreemptionWatcher } from '../../core/retry/auto.js';
import type { StatusService, StatusSnapshot, StatusSources } from '../../core/status/service.js';
import { knownDevNames } from '../../adapters/store/known-ids.js';
import { backendDevAction } from './dev-actions.js';
import { createDashboard, type Dashboard } from './server.js';

/** Larger notebooks are not diffed by the compare view: parsing one takes several times its size. */
export const COMPARE_MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

export interface StartOptions {
  /** The compare view's notebook size limit (tests set a small one). */
  compareMaxNotebookBytes?: number;
  host: string;
  port: number;
  assetsDir: string;
  /** Adds to the sources (the dev-VM details of `withDevVms`). */
  wrapSources?: (s: StatusSources) => StatusSources;
  overrides?: Partial<StatusSources>;
  /** Where the reconciler's actions are said (deletions, automatic retries); default stderr. */
  notify?: (line: string) => void;
  /** start.idle_shutdown.delete_after, applied by the reconciler; none = never. */
  autodown?: Omit<AutodownDeps, 'notify'> | null;
  /** The dashboard's tunnels to dev VMs, kept in step with the listing by the reconciler. */
  tunnels?: DevTunnels | null;
  /** Sweeps whose scheduler is gone get a new one. */
  resumeSweeps?: ((listed: () => Promise<readonly Machine[]>) => Promise<unknown>) | null;
  /** How often the reconciler runs (ms). */
  reconcileMs?: number;
}

export async function startDashboard(
  ctx: AppContext,
  opts: StartOptions,
): Promise<
  Dashboard & {
    service: StatusService;
    /** One reconcile pass (what the timer runs), then the status it read. */
    refresh(): Promise<StatusSnapshot>;
    retries: PreemptionWatcher | null;
  }
> {
  const cfg = ctx.config;
  const {
    service,
    sources: base,
    index,
  } = statusService(ctx, {
    failWhenUnreachable: false,
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
    ...(opts.wrapSources ? { wrap: opts.wrapSources } : {}),
  });
  const out = cfg.commit?.output_repository;
  const notify = opts.notify ?? ((l: string) => process.stderr.write(`${l}\n`));
  // commit.retry.preempted: a pass may relaunch a preempted commit; the claim in its job folder
  // keeps it to once per preemption across dashboards and processes.
  const retries =
    (cfg.commit?.retry.preempted ?? 0) > 0
      ? new PreemptionWatcher(cfg, ctx.retryDeps(), notify, ctx.sshOptions)
      : null;
  const reconcile = reconciler({
    listMachines: () => base.listMachines(),
    autodown: opts.autodown ? { ...opts.autodown, notify } : null,
    tunnels: opts.tunnels ?? null,
    resumeSweeps: opts.resumeSweeps ?? null,
    retries,
    snapshot: () => service.snapshot(),
    notify,
  });
  const unreadable = new Map<string, { at: number; error: string }>();
  const readCommitFile = (id: string, name: string) => index.readFile(id, name);
  const ports = comparePorts(ctx, readCommitFile);
  const dash = await createDashboard({
    snapshot: () => service.snapshot(),
    readCommitFile,
    readStoredArtifact: storedArtifacts(ctx.home, readCommitFile),
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
      compareCommits(rows, ports, {
        ...pair,
        maxNotebookBytes: opts.compareMaxNotebookBytes ?? COMPARE_MAX_NOTEBOOK_BYTES,
      }),
    links: cfg.dashboard.links,
    outputRepo: out ? { url: out.url, branch: out.branch } : null,
    assetsDir: opts.assetsDir,
    devAction: backendDevAction(() => ({
      backend: ctx.backend(),
      known: knownDevNames(ctx.home),
    })),
    doctor: async () => {
      const [{ runDoctor }, { canCommit }] = await Promise.all([
        import('../../app/doctor/doctor.js'),
        import('../../core/doctor/checks.js'),
      ]);
      const checks = await runDoctor(cfg);
      return { ready: canCommit(checks), checks };
    },
    host: opts.host,
    port: opts.port,
  });
  // What a pass changed is what the next GET shows.
  const pass = () => reconcile().finally(() => dash.invalidate());
  const acts = retries || opts.autodown || opts.tunnels?.manager || opts.resumeSweeps;
  const timer = acts ? setInterval(() => void pass().catch(() => {}), opts.reconcileMs ?? 15_000) : null;
  timer?.unref();
  return {
    ...dash,
    service,
    refresh: pass,
    retries,
    close: () => {
      if (timer) clearInterval(timer);
      return dash.close();
    },
  };
}
