// Builds the commander program, dispatches, and owns the one top-level error handler.
import { Command, CommanderError } from 'commander';
import { ExitCode, isUserError } from './errors.js';
import { colorErr, redact, setVerbose } from './util/log.js';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('mymlops')
    .description('Kaggle-style notebook commits on spot VMs, idle-stopping dev VMs, and a status dashboard.')
    .version(VERSION, '-V, --version')
    .option('-c, --config <file>', 'config file (default: ./mymlops.yml, or $MYMLOPS_CONFIG)')
    .option('-v, --verbose', 'show debug logs on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(colorErr.red(str)) })
    .exitOverride();
  program.hook('preAction', (cmd) => {
    if (cmd.opts()['verbose']) setVerbose(true);
  });
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // The original's completion hook: eval "$(_MYMLOPS_COMPLETE=bash_source mymlops)".
  const click = process.env['_MYMLOPS_COMPLETE'];
  if (click) {
    const { clickCompletionSource } = await import('./commands/completion.js');
    const script = clickCompletionSource(click);
    if (script === null) return 1;
    process.stdout.write(script);
    return 0;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    return handleError(e);
  }
}

export function handleError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message (or help/version): keep its exit code.
    return e.exitCode;
  }
  if (e instanceof ExitCode) return e.code;
  if (isUserError(e)) {
    process.stderr.write(`${colorErr.red(redact(e.line()))}\n`);
    for (const d of e.details) process.stderr.write(`${redact(d)}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  process.stderr.write(
    `${colorErr.red('mymlops: internal error — this is a bug, please report it with the output below')}\n` +
      `${redact(err?.stack ?? String(e))}\n`,
  );
  return 70;
}
