// The git adapter: every git invocation goes through here, with prompts disabled and, for ssh
// URLs, either the configured deploy key or the user's own ssh setup through GIT_SSH_COMMAND.
// Credentials from a URL reach git through a credential helper reading the environment, never argv.
import type { GitAuth } from '../../core/ports/git.js';
import { exec, type ExecOptions, type ExecResult } from '../../util/exec.js';

export type { GitAuth };

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export function sshCommand(auth: GitAuth): string | undefined {
  const opts = [
    auth.deployKey ? 'ssh' : (auth.userSsh ?? 'ssh'),
    '-o BatchMode=yes',
    '-o StrictHostKeyChecking=accept-new',
    '-o ConnectTimeout=15',
    ...(auth.sshOptions ?? []),
  ];
  if (auth.deployKey) opts.push(`-i ${quote(auth.deployKey)}`, '-o IdentitiesOnly=yes');
  return opts.join(' ');
}

// Reads the environment at the moment git asks, so `ps` shows neither argv nor a value; the empty
// helper first drops the user's helpers, which would otherwise be asked (and store) first.
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || return 0; echo "username=$MYMLOPS_GIT_USERNAME"; echo "password=$MYMLOPS_GIT_PASSWORD"; }; f';

/** `-c` arguments that go before the git subcommand. */
export function credentialArgs(auth: GitAuth = {}): string[] {
  return auth.credentials ? ['-c', 'credential.helper=', '-c', `credential.helper=${CREDENTIAL_HELPER}`] : [];
}

export function gitEnv(auth: GitAuth = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    LC_ALL: 'C',
  };
  if (auth.deployKey || auth.userSsh || auth.sshOptions?.length) env['GIT_SSH_COMMAND'] = sshCommand(auth);
  if (auth.credentials) {
    env['MYMLOPS_GIT_USERNAME'] = auth.credentials.username;
    env['MYMLOPS_GIT_PASSWORD'] = auth.credentials.password;
  }
  return env;
}

export function git(args: string[], opts: ExecOptions & { auth?: GitAuth } = {}): Promise<ExecResult> {
  return exec('git', [...credentialArgs(opts.auth), ...args], { ...opts, env: gitEnv(opts.auth, opts.env) });
}

/** Several git steps in one `sh` process, like git() (arguments as $1…, never interpolated). */
export function gitScript(
  script: string,
  args: string[],
  opts: ExecOptions & { auth?: GitAuth } = {},
): Promise<ExecResult> {
  return exec('sh', ['-c', script, 'mymlops-git', ...args], { ...opts, env: gitEnv(opts.auth, opts.env) });
}
