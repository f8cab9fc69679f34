import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors.js';

/** `--dir` must name an existing folder: init writes into it and never creates it. */
function checkDir(dir: string): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st)
    throw new UserError(
      `--dir ${dir} does not exist`,
      `create it first (mkdir -p ${dir}) or pass an existing folder`,
    );
  if (!st.isDirectory())
    throw new UserError(`--dir ${dir} is not a folder`, 'pass the folder to write mymlops.yml in');
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented starter mymlops.yml for the local backend (never overwrites)')
    .option('--dir <dir>', 'folder to write mymlops.yml in', '.')
    .action(async (opts: { dir: string }) => {
      checkDir(opts.dir);
      const [{ initProject }, { git }] = await Promise.all([
        import('../app/init.js'),
        import('../adapters/git/git.js'),
      ]);
      const r = await initProject(opts.dir, git);
      if (r.note) process.stderr.write(`mymlops: ${r.note}\n`);
      process.stdout.write(`wrote ${r.file}\noutput repository: ${r.outputRepo}\nnext: mymlops validate\n`);
    });
}
