// `mymlops prune [--dry-run] [--json]`: removes snapshot refs (refs/mymlops/snapshots/<id>, listed
// with `git ls-remote` using your own git credentials) and launch records of finished, published
// commits older than commit.prune_after_days, and the output repository's progress refs of commits
// no longer running; the choice is core/prune/prune.ts.
import type { Command } from 'commander';
import { config } from '../app/options.js';
import { requireCommitSection } from '../core/commit/plan.js';
import { UserError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('prune')
    .description(
      'remove snapshot refs and launch records of published commits older than commit.prune_after_days, and stale progress refs',
    )
    .option('--dry-run', 'list what would be removed and change nothing')
    .option('--json', 'print what was (or would be) removed as JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const [{ statusService }, { appContext }, push, { choosePrune, SNAPSHOT_PREFIX }, jobs, fs] =
        await Promise.all([
          import('../app/status/service.js'),
          import('../app/context.js'),
          import('../adapters/git/push.js'),
          import('../core/prune/prune.js'),
          import('../adapters/store/jobs.js'),
          import('node:fs'),
        ]);
      const cfg = config(cmd);
      requireCommitSection(cfg);
      const ctx = appContext(cfg);
      const repo = cfg.commit.repository;
      const auth = { deployKey: repo.deploy_key, sshOptions: ctx.sshOptions };
      const { service, index } = statusService(ctx, { failWhenUnreachable: true });
      const [snap, refs] = await Promise.all([
        service.snapshot(),
        push.listRemoteRefs({ root: cfg.dir, url: repo.url, prefix: SNAPSHOT_PREFIX, auth }),
      ]);
      if (!refs.ok)
        throw new UserError(
          `cannot list the snapshot refs of ${repo.url}: ${refs.error}`,
          'check commit.repository.url and your git credentials',
        );
      const plan = choosePrune({
        refs: refs.value,
        rows: snap.commits,
        // Every project's records in this home: a snapshot ref of another project's commit (same code
        // repository) is someone's, not "of no commit"; records go only with this project's rows.
        records: jobs.listLaunches(ctx.home).map((r) => r.commit),
        // As the status snapshot's fetch just listed them.
        progress: [...index.mirror.progressRefs().keys()],
        now: ctx.now(),
        days: cfg.commit.prune_after_days,
      });
      if (!opts.dryRun) {
        const del = await push.deleteRefs({
          root: cfg.dir,
          url: repo.url,
          refs: plan.refs.map((r) => r.what),
          auth,
        });
        if (!del.ok)
          throw new UserError(
            `cannot remove snapshot refs from ${repo.url}: ${del.error}`,
            'check that your git credentials may push there',
          );
        const out = cfg.commit.output_repository;
        const dropped = await push.deleteRefs({
          root: cfg.dir,
          url: out.url,
          refs: plan.progress.map((r) => r.what),
          auth: { deployKey: out.deploy_key, sshOptions: ctx.sshOptions },
        });
        if (!dropped.ok)
          throw new UserError(
            `cannot remove progress refs from ${out.url}: ${dropped.error}`,
            'check that your git credentials (or commit.output_repository.deploy_key) may push there',
          );
        for (const r of plan.records)
          fs.rmSync(jobs.jobDir(r.id, ctx.home), { recursive: true, force: true });
      }
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ dry_run: Boolean(opts.dryRun), days: cfg.commit.prune_after_days, ...plan }, null, 2)}\n`,
        );
        return;
      }
      const verb = opts.dryRun ? 'would remove' : 'removed';
      for (const r of plan.refs) process.stdout.write(`${verb} ref ${r.what} (${r.why})\n`);
      for (const r of plan.records) process.stdout.write(`${verb} launch record ${r.what} (${r.why})\n`);
      for (const r of plan.progress) process.stdout.write(`${verb} progress ref ${r.what} (${r.why})\n`);
      process.stdout.write(
        `${verb} ${plan.refs.length} snapshot ref(s) and ${plan.records.length} launch record(s) older than ${cfg.commit.prune_after_days} day(s)` +
          (plan.progress.length ? `, and ${plan.progress.length} stale progress ref(s)` : '') +
          '\n',
      );
    });
}
