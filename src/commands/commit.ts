// `mymlops commit PATH`: snapshot, launch, then follow the job's log until it ends (exit 0/1).
// Heavy modules are imported inside the action so that other commands and Tab stay fast.
import type { Command } from 'commander';
import { config } from '../app/options.js';
import { installsDriver } from '../core/boot-image.js';
import type { CommitOptions, startCommit } from '../core/commit/commit.js';
import { color, colorErr } from '../util/log.js';
import { collect, maxParallelOf, type ParamOpts, readAxes } from '../app/commit/params.js';

/** The metadata preview with its top-level keys in order (nested values as they are). */
const sortedKeys = (o: object) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

interface Opts extends ParamOpts {
  notes?: string;
  artifacts?: boolean;
  keepInstance?: boolean;
  instance?: string;
  detach?: boolean;
  dryRun?: boolean;
  json?: boolean;
  maxParallel?: string;
}

export function register(program: Command): void {
  program
    .command('commit')
    .description('run a notebook unattended, Kaggle-style, and store the result in the output repository')
    .argument('<path>', 'notebook (.ipynb) inside this repository')
    .option('-n, --notes <text>', 'notes, stored in metadata.json and the output commit message')
    .option('-a, --artifacts', 'also publish the artifacts/ folder beside the notebook')
    .option('-k, --keep-instance', 'keep the machine (local: the work folder) after the job')
    .option('--keep_instance', 'same as --keep-instance (the original spelling)')
    .option(
      '-i, --instance <name>',
      'take the notebook from the clone of dev machine NAME (outputs cleared); the rest comes from here',
    )
    .option('--detach', 'return once the job runs; follow it later with `mymlops logs ID -f`')
    .option('--dry-run', 'print the plan (snapshot files, ref, job script, metadata) and change nothing')
    .option('--json', 'print machine-readable JSON instead of the log')
    .option('-p, --parameter <name=value>', 'inject a value (YAML); a,b or a..b sweeps (repeatable)', collect)
    .option(
      '-f, --parameters-file <file>',
      'inject the values of a YAML mapping; its sweep: lists sweep',
      collect,
    )
    .option('--max-parallel <n>', 'a sweep runs at most N commits at once, the rest queued')
    .option('-y, --yes', 'start a sweep of more than 5 runs without asking')
    .action(async (path: string, opts: Opts & { keep_instance?: boolean }, cmd: Command) => {
      const [
        { dryRunCommit, startCommit },
        { followWithRetry },
        { commitDeps },
        { appContext },
        { followAndReport, followView },
        { estimateFor },
        { excludedLine, formatBytes },
        { launchGuard },
        { phaseOfStep },
      ] = await Promise.all([
        import('../core/commit/commit.js'),
        import('../core/retry/auto.js'),
        import('../app/commit/deps.js'),
        import('../app/context.js'),
        import('../app/commit/follow.js'),
        import('../app/commit/run-estimate.js'),
        import('../core/snapshot/rules.js'),
        import('../app/commit/launch-signals.js'),
        import('../core/commit/progress-line.js'),
      ]);
      const cfg = config(cmd);
      const ctx = appContext(cfg);
      maxParallelOf(opts.maxParallel);
      const axes = readAxes(opts);
      const { expand } = await import('../core/sweep/expand.js');
      const runs = expand(axes);
      if (runs.length > 1 && !opts.dryRun) {
        await (await import('../app/commit/budget-check.js')).checkBudget(ctx);
        const { runSweep } = await import('../app/sweep/sweep.js');
        return runSweep(ctx, path, runs, opts);
      }
      const options: CommitOptions = {
        path,
        notes: opts.notes ?? null,
        artifacts: Boolean(opts.artifacts),
        keepMachine: Boolean(opts.keepInstance || opts.keep_instance),
        instance: opts.instance ?? null,
        sshOptions: ctx.sshOptions,
        parameters: axes.length > 0 ? runs[0] : null,
      };
      if (opts.dryRun) {
        const d = await dryRunCommit(cfg, options, commitDeps(ctx));
        const sweep = runs.length > 1 ? runs.map((r) => r.values) : null;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(sweep ? { ...d, sweep } : d, null, 2)}\n`);
          return;
        }
        const out = process.stdout;
        out.write(`${color.bold('commit')} ${d.commitId} (dry run: nothing was created)\n`);
        if (sweep)
          out.write(
            `sweep     ${sweep.length} runs sharing one snapshot; the plan below is the first one's\n${sweep.map((v, i) => `  ${i + 1}. ${JSON.stringify(v)}\n`).join('')}`,
          );
        out.write(`machine   ${d.plan.machineName} (${cfg.backend})\n`);
        out.write(
          `snapshot  ${d.files.length} files from ${d.root}, pushed to ${cfg.commit!.repository.url} ${d.ref}\n`,
        );
        const sizes = new Map(d.snapshot.untracked.map((u) => [u.path, u.bytes]));
        for (const f of d.files)
          out.write(`  ${f}${sizes.has(f) ? `  (untracked, ${formatBytes(sizes.get(f)!)})` : ''}\n`);
        const untrackedTotal = d.snapshot.untracked.reduce((n, u) => n + u.bytes, 0);
        out.write(`untracked ${d.snapshot.untracked.length} files, ${formatBytes(untrackedTotal)} in all\n`);
        const excluded = excludedLine(d.snapshot.excluded);
        for (const l of [excluded, ...d.snapshot.warnings])
          if (l) out.write(`${color.yellow(`mymlops: ${l}`)}\n`);
        if (d.snapshot.refusal)
          out.write(`${color.red(`mymlops: ${d.snapshot.refusal.what} — ${d.snapshot.refusal.fix}`)}\n`);
        out.write(
          `${color.bold('metadata.json (base)')}\n${JSON.stringify(sortedKeys(d.metadata), null, 4)}\n`,
        );
        if (d.bootImage) out.write(`boot image ${d.bootImage}\n`);
        if (d.request) out.write(`${color.bold('machine request')}\n${JSON.stringify(d.request, null, 2)}\n`);
        out.write(`${color.bold('job.json')}\n${JSON.stringify(d.plan.jobConfig, null, 2)}\n`);
        out.write(`${color.bold('job script')}\n${d.plan.jobScript}`);
        return;
      }
      await (await import('../app/commit/budget-check.js')).checkBudget(ctx);
      // From the snapshot on, one status line (a terminal) and the job's log as the user sees it.
      const view = followView({ tty: Boolean(process.stderr.isTTY), quiet: Boolean(opts.json) });
      let started: Awaited<ReturnType<typeof startCommit>>;
      // Ctrl-C / SIGTERM while launching: undone before a VM was asked for, reported after.
      const guard = launchGuard();
      const deps = commitDeps(ctx, {
        warn: (line) => process.stderr.write(`${colorErr.yellow(`mymlops: ${line}`)}\n`),
        onStep: (s) => {
          guard.onStep(s);
          const phase = phaseOfStep(s);
          if (phase) view.phase(phase);
        },
      });
      try {
        started = await startCommit(cfg, { ...options, signal: guard.signal }, deps);
      } catch (e) {
        view.close();
        throw e;
      } finally {
        guard.dispose();
      }
      const { commitId, machine, backend } = started;
      if (opts.detach) {
        view.close();
        if (opts.json)
          process.stdout.write(
            `${JSON.stringify({ commit: commitId, machine: machine.name, source_commit: started.sourceCommit, backend: backend.kind })}\n`,
          );
        else
          process.stdout.write(
            `commit ${commitId} running on ${machine.name} (${backend.kind})\nfollow it: mymlops logs ${commitId} -f\n`,
          );
        return;
      }
      const inst = started.plan.instance;
      view.launched(backend.kind, backend.kind === 'gce' && inst !== null && installsDriver(inst));
      view.estimate(estimateFor(ctx.home, started.plan.jobConfig.notebook, commitId));
      if (!opts.json)
        process.stderr.write(
          colorErr.dim(
            `commit ${commitId} running on ${machine.name}; Ctrl-C stops following, not the job\n`,
          ),
        );
      // Follows the log; relaunches after a preemption when commit.retry.preempted allows.
      await followAndReport({
        commitId,
        view,
        home: ctx.home,
        facts: { spot: backend.kind === 'gce' ? (cfg.commit?.instance?.spot ?? null) : null },
        follow: (signal, write) =>
          followWithRetry({
            config: cfg,
            commitId,
            backend,
            machineName: machine.name,
            deps: ctx.retryDeps(),
            write,
            notify: (l) => process.stderr.write(`${colorErr.yellow(l)}\n`),
            signal,
            sshOptions: ctx.sshOptions,
          }),
        interrupted: `\ncommit ${commitId} is still running — follow it: mymlops logs ${commitId} -f; stop it: mymlops cancel ${commitId}\n`,
        json: opts.json
          ? { commit: commitId, machine: machine.name, source_commit: started.sourceCommit }
          : null,
      });
    });
}
