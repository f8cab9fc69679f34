import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { completionScript, completeWords, SHELLS, type Shell } from '../core/completion.js';
import { type IdScope, knownCommitIds, knownDevNames } from '../adapters/store/known-ids.js';
import { mymlopsHome } from '../util/paths.js';

/** `_MYMLOPS_COMPLETE=bash_source mymlops` (click's convention, used by the original). */
export function clickCompletionSource(value: string): string | null {
  const m = /^(bash|zsh|fish)_source$/.exec(value);
  if (!m) {
    process.stderr.write(
      `mymlops: _MYMLOPS_COMPLETE=${value} is not supported — use bash_source, zsh_source or fish_source\n`,
    );
    return null;
  }
  return completionScript(m[1] as Shell, 'mymlops');
}

/** The project of the config here (its commits only on Tab); null without a loadable one. */
async function projectScope(cmd: Command): Promise<IdScope | null> {
  const [{ config }, { projectKeyOf }, { repoCacheKey }, { HOME }] = await Promise.all([
    import('../app/options.js'),
    import('../core/project-scope.js'),
    import('../adapters/output-repo/mirror.js'),
    import('../util/home-layout.js'),
  ]);
  try {
    const out = config(cmd).commit?.output_repository;
    if (!out) return null;
    return {
      project: projectKeyOf(out),
      idsFile: HOME.outputRepoIds(mymlopsHome(), repoCacheKey(out)),
    };
  } catch {
    return null;
  }
}

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(mymlops completion bash)"')
    .argument('<shell>', `one of ${SHELLS.join(', ')}`)
    .action((shell: string) => {
      if (!SHELLS.includes(shell as Shell))
        throw new UserError(`unknown shell "${shell}"`, `use one of ${SHELLS.join(', ')}`);
      process.stdout.write(completionScript(shell as Shell, 'mymlops'));
    });
  program
    .command('__complete', { hidden: true })
    .description('candidates for the shell completion scripts')
    .argument('<cword>', 'index of the word being completed')
    .argument('[words...]', 'the command line words')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (cword: string, words: string[], _opts: unknown, cmd: Command) => {
      const scope = await projectScope(cmd);
      const out = completeWords(
        program,
        words,
        Number(cword),
        () => knownCommitIds(mymlopsHome(), scope),
        () => knownDevNames(mymlopsHome()),
      );
      if (out.length) process.stdout.write(`${out.join('\n')}\n`);
    });
}
