// The git adapter: every git invocation goes through here, with prompts disabled and, for ssh
// URLs, the configured deploy key through GIT_SSH_COMMAND.
import type { GitAuth } from '../../core/ports/git.js';
import { exec, type ExecOptions, type ExecResult } from '../../util/exec.js';

export type { GitAuth };

export function sshCommand(auth: GitAuth): string | undefined {
  const opts = [
    'ssh',
    '-o BatchMode=yes',
    '-o StrictHostKeyChecking=accept-new',
    '-o ConnectTimeout=15',
    ...(auth.sshOptions ?? []),
  ];
  if (auth.deployKey) opts.push(`-i '${auth.deployKey.replace(/'/g, "'\\''")}'`, '-o IdentitiesOnly=yes');
  return opts.join(' ');
}

export function gitEnv(auth: GitAuth = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    LC_ALL: 'C',
  };
  if (auth.deployKey || auth.sshOptions?.length) env['GIT_SSH_COMMAND'] = sshCommand(auth);
  return env;
}

export function git(args: string[], opts: ExecOptions & { auth?: GitAuth } = {}): Promise<ExecResult> {
  return exec('git', args, { ...opts, env: gitEnv(opts.auth, opts.env) });
}

/** Several git steps in one `sh` process, like git() (arguments as $1…, never interpolated). */
export function gitScript(
  script: string,
  args: string[],
  opts: ExecOptions & { auth?: GitAuth } = {},
): Promise<ExecResult> {
  return exec('sh', ['-c', script, 'mymlops-git', ...args], { ...opts, env: gitEnv(opts.auth, opts.env) });
}
