// Whether two repository URLs name the same repository, whatever their spelling: scp-like
// `git@host:owner/repo.git`, `ssh://git@host:22/owner/repo`, `https://user:token@host/owner/repo/`,
// `file:///srv/repo.git` and `/srv/repo` all reduce to one key.
import { resolve } from 'node:path';
import { urlWithoutUserinfo } from '../util/url.js';

const DEFAULT_PORT: Record<string, string> = { ssh: '22', https: '443', http: '80', git: '9418' };

function trimPath(p: string): string {
  return p
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}

/** A spelling-independent key of a repository URL (user, default port, `.git` and trailing `/` dropped). */
export function repositoryKey(url: string, dir: string): string {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(url);
  if (scp && !url.includes('://')) return `${scp[1]!.toLowerCase()}/${trimPath(scp[2]!.replace(/^\/+/, ''))}`;
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  if (!m) return `file:${trimPath(resolve(dir, url))}`;
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'file')
    return `file:${trimPath(resolve(dir, decodeURIComponent(m[2]!.replace(/^[^/]*/, ''))))}`;
  const rest = urlWithoutUserinfo(url);
  const slash = rest.indexOf('/');
  const hostPort = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  const [host, port] = hostPort.split(':') as [string, string | undefined];
  const keepPort = port && port !== DEFAULT_PORT[scheme] ? `:${port}` : '';
  return `${host}${keepPort}/${trimPath(path.replace(/^~?\/*/, ''))}`;
}

export function sameRepository(a: string, b: string, dir: string): boolean {
  return repositoryKey(a, dir) === repositoryKey(b, dir);
}
