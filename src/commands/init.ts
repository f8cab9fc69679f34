import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented starter mymlops.yml for the local backend (never overwrites)')
    .option('--dir <dir>', 'folder to write mymlops.yml in', '.')
    .action(async (opts: { dir: string }) => {
      const [{ initProject }, { git }] = await Promise.all([
        import('../core/init.js'),
        import('../adapters/git/git.js'),
      ]);
      const r = await initProject(opts.dir, git);
      if (r.note) process.stderr.write(`mymlops: ${r.note}\n`);
      process.stdout.write(`wrote ${r.file}\noutput repository: ${r.outputRepo}\nnext: mymlops validate\n`);
    });
}
