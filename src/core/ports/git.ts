// What core needs from git, implemented by src/adapters/git/.
import type { ExecResult } from '../../util/exec.js';
import type { UrlCredentials } from '../../util/url.js';

/** How git reaches a remote: a deploy key or the user's own ssh, extra ssh arguments, URL credentials. */
export interface GitAuth {
  /** Private key file for ssh remotes (only this key is offered). */
  deployKey?: string | undefined;
  /** Extra ssh options (tests use a non-default port via the URL, known_hosts via this). */
  sshOptions?: string[];
  /**
   * The user's own ssh command (their GIT_SSH_COMMAND or core.sshCommand, else `ssh`): used when
   * there is no deploy key, so their agent, ~/.ssh keys and ~/.ssh/config apply as in `git push`.
   */
  userSsh?: string | undefined;
  /** Credentials split off an https URL (see splitUrlCredentials). */
  credentials?: UrlCredentials | null | undefined;
}

/** Runs `git args` in `cwd`; with `allowFail` a non-zero exit is returned instead of thrown. */
export type GitRunner = (args: string[], opts?: { cwd?: string; allowFail?: boolean }) => Promise<ExecResult>;

/** Why refs could not be claimed: someone else's are there (`taken`: `refs`), or the push failed (`line`). */
export interface ClaimFailure {
  taken: boolean;
  /** The claimed refs another commit holds. */
  refs: string[];
  line: string;
}
