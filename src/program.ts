// Builds the commander program, dispatches, and owns the one top-level error handler.
import { Command, CommanderError } from 'commander';
import { EXIT, ExitCode, fileSystemError, isUserError } from './errors.js';
import { colorErr, redact, setVerbose } from './util/log.js';
import { guardOutput } from './util/output.js';
import { mymlopsHome } from './util/paths.js';
import { tightenHome } from './util/private-fs.js';
import { escapeControl } from './util/terminal-text.js';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';
import { envValue } from './util/env.js';

export function buildProgram(): Command {
  const program = new Command('mymlops')
    .description('Kaggle-style notebook commits on spot VMs, idle-stopping dev VMs, and a status dashboard.')
    .version(VERSION, '-V, --version')
    .option('-c, --config <file>', 'config file (default: ./mymlops.yml, or $MYMLOPS_CONFIG)')
    .option('-v, --verbose', 'show debug logs on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(colorErr.red(str)) })
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();
  program.hook('preAction', (cmd) => {
    if (cmd.opts()['verbose']) setVerbose(true);
  });
  for (const register of commands) register(program);
  return program;
}

export const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT.ok}    ok
  ${EXIT.failed}    the notebook or job failed (or was cancelled)
  ${EXIT.usage}    usage or config error: something to fix before it can run
  ${EXIT.notReady}    mymlops doctor: a check a commit needs failed (each ✘ line says the fix)
  ${EXIT.interrupted}  interrupted (Ctrl-C)
  ${EXIT.internal}   internal error (a bug: please report it)
  ${EXIT.io}   a file on this machine could not be written or read (disk full, a file where a folder goes)
  ${EXIT.unavailable}   Compute Engine did not answer: try again (the job keeps running)`;

export async function main(argv: string[]): Promise<number> {
  guardOutput();
  tightenHome(mymlopsHome(), VERSION);
  // The original's completion hook: eval "$(_MYMLOPS_COMPLETE=bash_source mymlops)".
  const click = envValue('_MYMLOPS_COMPLETE');
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

/** The exit code of a failure that reached the top (the table in EXIT). */
export function exitCodeOf(e: unknown): number {
  // commander has printed its message (or help/version) already; its own errors are usage errors.
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (e instanceof ExitCode) return e.code;
  if (isUserError(e)) return e.exitCode;
  return fileSystemError(e)?.exitCode ?? EXIT.internal;
}

export function handleError(e0: unknown): number {
  const e = fileSystemError(e0) ?? e0;
  const code = exitCodeOf(e);
  if (e instanceof CommanderError || e instanceof ExitCode) return code;
  if (isUserError(e)) {
    // A message may quote a repository, a notebook or git: its control characters are escaped.
    process.stderr.write(`${colorErr.red(escapeControl(redact(e.line())))}\n`);
    for (const d of e.details) process.stderr.write(`${escapeControl(redact(d))}\n`);
    return code;
  }
  const err = e as Error;
  process.stderr.write(
    `${colorErr.red('mymlops: internal error — this is a bug, please report it with the output below')}\n` +
      `${redact(err?.stack ?? String(e))}\n`,
  );
  return code;
}
