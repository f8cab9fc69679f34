// `mymlops show ID`: one commit in full (status, times, machine, metadata, metrics, error,
// attempts, links); --json prints the same as one object.
import type { Command } from 'commander';
import { config } from '../app/options.js';

export function register(program: Command): void {
  program
    .command('show')
    .description('show one commit: status, times, machine, metadata, metrics, error, attempts, links')
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS)')
    .option('--json', 'print it as JSON')
    .option(
      '--artifact <name>',
      'write the bytes of artifacts/<name> to stdout (a stored one checked against its sha256)',
    )
    .action(async (id: string, opts: { json?: boolean; artifact?: string }, c: Command) => {
      const [{ appContext }, { loadCommits }, { showData, renderShow }, { webFileUrl }, { color }] =
        await Promise.all([
          import('../app/context.js'),
          import('../app/results/compare.js'),
          import('../core/compare/show.js'),
          import('../core/status/web-link.js'),
          import('../util/log.js'),
        ]);
      const cfg = config(c);
      const ctx = appContext(cfg);
      const { rows, readCommitFile } = await loadCommits(ctx, [id]);
      const row = rows[0]!;
      if (opts.artifact !== undefined) {
        const { writeArtifact } = await import('../app/results/stored-artifact.js');
        return writeArtifact(ctx.home, readCommitFile, row.id, opts.artifact, process.stdout);
      }
      const buf = await readCommitFile(row.id, 'metadata.json');
      let metadata = null;
      try {
        metadata = buf ? JSON.parse(buf.toString('utf8')) : null;
      } catch {}
      const out = cfg.commit?.output_repository;
      const web = out && row.output_path ? webFileUrl(out.url, out.branch, row.output_path) : null;
      const data = showData(row, metadata, web);
      if (opts.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      else process.stdout.write(renderShow(data, color));
    });
}
