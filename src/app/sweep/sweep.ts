// `commit` with several runs (a sweep): confirm above 5 runs, commit the first run and queue the
// rest (src/core/sweep/start.ts), then hand the queue to a detached scheduler and return: the
// sweep goes on when this terminal closes.
import { maxParallelOf } from '../commit/params.js';
import { createInterface } from 'node:readline/promises';
import { claimOutputIds } from '../../adapters/git/id-claim.js';
import { claimRefs } from '../../adapters/git/push.js';
import { groupLogPath, reserveGroup, writeGroup } from '../../adapters/store/groups.js';
import { commitDeps } from '../commit/deps.js';
import type { AppContext } from '../context.js';
import type { Config } from '../../config/types.js';
import { confirmQuestion, costEstimate } from '../../core/sweep/confirm.js';
import { CONFIRM_ABOVE, type RunParameters } from '../../core/sweep/expand.js';
import { startSweep } from '../../core/sweep/start.js';
import { UserError } from '../../errors.js';
import { spawnDetached } from '../../util/exec.js';

export interface SweepOpts {
  notes?: string;
  artifacts?: boolean;
  keepInstance?: boolean;
  instance?: string;
  maxParallel?: string;
  yes?: boolean;
  json?: boolean;
}

async function confirm(cfg: Config, runs: number, yes: boolean): Promise<void> {
  if (runs <= CONFIRM_ABOVE || yes) return;
  const estimate = costEstimate({
    runs,
    backend: cfg.backend,
    hourlyUsd: null,
    maxDurationSeconds: cfg.commit?.max_duration ?? 0,
    maxCostUsd: cfg.commit?.max_cost_usd ?? null,
  });
  if (!process.stdin.isTTY)
    throw new UserError(`a sweep of ${runs} commits needs confirmation (${estimate})`, 'pass -y to start it');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(confirmQuestion(runs, estimate));
    if (!/^y(es)?$/i.test(answer.trim())) throw new UserError('sweep not started', 'answer y, or pass -y');
  } finally {
    rl.close();
  }
}

/** The scheduler runs this same CLI (bundle or tsx source) as `__sweep-scheduler GROUP`, detached. */
export async function spawnScheduler(group: string, home: string): Promise<void> {
  await spawnDetached(process.execPath, [...process.execArgv, process.argv[1]!, '__sweep-scheduler', group], {
    env: { ...process.env, MYMLOPS_HOME: home },
    logFile: groupLogPath(group, home),
  });
}

export async function runSweep(
  ctx: AppContext,
  path: string,
  runs: RunParameters[],
  opts: SweepOpts,
): Promise<void> {
  const cfg = ctx.config;
  const maxParallel = maxParallelOf(opts.maxParallel);
  await confirm(cfg, runs.length, Boolean(opts.yes));
  const home = ctx.home;
  const deps = {
    ...commitDeps(ctx),
    reserveGroup: (c: Iterable<string>) => reserveGroup(c, home),
    writeGroup: (g: Parameters<typeof writeGroup>[0]) => writeGroup(g, home),
    claimRefs,
    claimOutputIds,
  };
  const s = await startSweep(
    cfg,
    {
      path,
      notes: opts.notes ?? null,
      artifacts: Boolean(opts.artifacts),
      keepMachine: Boolean(opts.keepInstance),
      instance: opts.instance ?? null,
      sshOptions: ctx.sshOptions,
    },
    runs,
    maxParallel,
    deps,
  );
  await spawnScheduler(s.group, home);
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ group: s.group, commits: s.commits, source_commit: s.first.sourceCommit })}\n`,
    );
    return;
  }
  process.stdout.write(
    `sweep ${s.group}: ${s.commits.length} commits of one snapshot, ${maxParallel ?? s.commits.length} at a time\n` +
      `${s.commits.join(' ')}\nwatch them: mymlops status; stop them all: mymlops cancel ${s.group}\n`,
  );
}
