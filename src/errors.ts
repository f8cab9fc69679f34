// Two classes of failure reach the top-level handler: a UserError is the user's to fix and prints
// one line; anything else is our bug and prints a stack with a request for a report.

/**
 * The exit codes, so scripts can tell "the notebook failed" from "fix the command or config":
 * 0 ok; 1 the notebook or job ran and failed (or was cancelled); 2 the user must fix something
 * first (a usage error, the config, a key, an unreachable repository, a quota); 130 interrupted
 * (Ctrl-C); 70 an internal error (a bug); 3 `doctor` found something that stops a commit.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** `mymlops doctor`: a check that a commit needs failed (each is printed with its fix). */
  notReady: 3,
  internal: 70,
  /** A file on this machine could not be read or written: full disk, a file where a folder goes. */
  io: 74,
  unavailable: 75,
  interrupted: 130,
} as const;

export class UserError extends Error {
  readonly fix: string | undefined;
  readonly exitCode: number;
  /** Extra lines printed after the first one (e.g. every config error found by `validate`). */
  readonly details: string[];
  constructor(what: string, fix?: string, opts: { exitCode?: number; details?: string[] } = {}) {
    super(what);
    this.name = 'UserError';
    this.fix = fix;
    this.exitCode = opts.exitCode ?? EXIT.usage;
    this.details = opts.details ?? [];
  }
  /** The one line printed to stderr: `mymlops: <what> — <how to fix>`. */
  line(): string {
    return `mymlops: ${this.message}${this.fix ? ` — ${this.fix}` : ''}`;
  }
}

/** A failure whose message is already printed (e.g. a failed commit's summary): exit quietly. */
export class ExitCode extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Expected outcomes of external systems are values, not exceptions. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/**
 * What the machine's file system refused, as one line with the fix: a full disk, a file where a
 * folder goes, a permission. The environment's problem, not a bug: no stack. Null for anything else.
 */
export function fileSystemError(e: unknown): UserError | null {
  const err = e as NodeJS.ErrnoException | null;
  if (!err || typeof err !== 'object' || typeof err.code !== 'string' || typeof err.path !== 'string')
    return null;
  const path = err.path;
  const io = { exitCode: EXIT.io };
  switch (err.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new UserError(
        `no space left on the disk holding ${path}`,
        'free some space there, or point MYMLOPS_HOME at another disk',
        io,
      );
    case 'ENOTDIR':
      return new UserError(
        `${path}: part of this path is a file, not a folder`,
        'move that file away (mymlops makes its own folders again)',
        io,
      );
    case 'EISDIR':
      return new UserError(`${path} is a folder where a file was expected`, 'move the folder away', io);
    case 'EACCES':
    case 'EPERM':
      return new UserError(
        `no permission to ${err.syscall ?? 'use'} ${path}`,
        'give yourself access (chown/chmod), or point MYMLOPS_HOME at a folder of yours',
        io,
      );
    case 'EROFS':
      return new UserError(
        `${path} is on a read-only file system`,
        'point MYMLOPS_HOME at a writable folder',
        io,
      );
    default:
      return null;
  }
}
