// A smart-http git server behind basic auth (git http-backend as CGI, on 127.0.0.1), and git
// wrappers that log every git process's argv — git's own and its http remote helper's — as `ps`
// would show them. Tests of credentials in URLs use both.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface GitHttp {
  /** `127.0.0.1:<port>` */
  host: string;
  /** Every request's Authorization header ('' when none). */
  authSeen: string[];
  close(): void;
}

/** Serves the bare repositories under `root` to `user:password` (401 otherwise). */
export async function startGitHttp(root: string, user: string, password: string): Promise<GitHttp> {
  const authSeen: string[] = [];
  const path = process.env['PATH'];
  const server: Server = createServer((req, res) => {
    authSeen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const u = new URL(req.url ?? '/', 'http://x');
    const cgi = spawn('/usr/bin/git', ['http-backend'], {
      env: {
        PATH: path,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: user,
        REMOTE_ADDR: '127.0.0.1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: u.pathname,
        QUERY_STRING: u.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      },
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on('data', (d: Buffer) => out.push(d));
    cgi.on('close', () => {
      const all = Buffer.concat(out);
      const end = all.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const h of all.subarray(0, end).toString().split('\r\n')) {
        const [k = '', ...v] = h.split(': ');
        if (k.toLowerCase() === 'status') status = Number.parseInt(v.join(': '), 10);
        else headers[k] = v.join(': ');
      }
      res.writeHead(status, headers).end(all.subarray(end + 4));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return {
    host: `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    authSeen,
    close: () => server.close(),
  };
}

/**
 * A `bin` folder (put it first on PATH) whose `git` logs its argv to `log` and runs the real git
 * with an exec path whose http remote helpers log theirs too. The wrapper sets GIT_EXEC_PATH itself,
 * so processes that drop GIT_* variables (the local backend's job) are logged as well.
 */
export function argvLoggingGit(dir: string, log: string): string {
  const bin = join(dir, 'bin');
  const execPath = join(dir, 'exec-path');
  mkdirSync(bin, { recursive: true });
  mkdirSync(execPath, { recursive: true });
  const realExec = execFileSync('/usr/bin/git', ['--exec-path'], { encoding: 'utf8' }).trim();
  const logger = (real: string, env = '') =>
    `#!/bin/sh\nprintf '%s\\n' "$0 $*" >>'${log}'\n${env}exec '${real}' "$@"\n`;
  for (const f of readdirSync(realExec)) {
    if (f === 'git-remote-http' || f === 'git-remote-https') {
      writeFileSync(join(execPath, f), logger(join(realExec, 'git-remote-http')));
      chmodSync(join(execPath, f), 0o755);
    } else symlinkSync(join(realExec, f), join(execPath, f));
  }
  writeFileSync(
    join(bin, 'git'),
    logger('/usr/bin/git', `GIT_EXEC_PATH='${execPath}'; export GIT_EXEC_PATH\n`),
  );
  chmodSync(join(bin, 'git'), 0o755);
  return bin;
}
