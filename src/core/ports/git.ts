// What core needs from git, implemented by src/adapters/git/.
import type { ExecResult } from '../../util/exec.js';

/** How git reaches an ssh remote: the deploy key and extra ssh arguments. */
export interface GitAuth {
  /** Private key file for ssh remotes. */
  deployKey?: string | undefined;
  /** Extra ssh options (tests use a non-default port via the URL, known_hosts via this). */
  sshOptions?: string[];
}

/** Runs `git args` in `cwd`; with `allowFail` a non-zero exit is returned instead of thrown. */
export type GitRunner = (args: string[], opts?: { cwd?: string; allowFail?: boolean }) => Promise<ExecResult>;
