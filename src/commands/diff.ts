// `mymlops diff A B`: what changed between two commits — metrics with deltas (the best marked),
// the notebook's code and Markdown cells (outputs and execution counts ignored) and the code of
// their snapshots; --json prints the comparison as one object.
import type { Command } from 'commander';
import { config } from '../app/options.js';

export function register(program: Command): void {
  program
    .command('diff')
    .description(
      "compare two commits: metric deltas, the notebook's source diff, the code diff of their snapshots",
    )
    .argument('<a>', 'the older commit id (the baseline)')
    .argument('<b>', 'the commit to compare with it')
    .option('--json', 'print the comparison as JSON')
    .action(async (a: string, b: string, opts: { json?: boolean }, c: Command) => {
      const [
        { appContext },
        { comparePorts, loadCommits },
        { compareCommits },
        { renderComparison },
        { color },
      ] = await Promise.all([
        import('../app/context.js'),
        import('../app/results/compare.js'),
        import('../core/compare/compare.js'),
        import('../core/compare/render.js'),
        import('../util/log.js'),
      ]);
      const ctx = appContext(config(c));
      const { rows, readCommitFile } = await loadCommits(ctx, [a, b]);
      const cmp = await compareCommits(rows, comparePorts(ctx, readCommitFile));
      if (opts.json) process.stdout.write(`${JSON.stringify(cmp, null, 2)}\n`);
      else process.stdout.write(renderComparison(cmp, color));
    });
}
