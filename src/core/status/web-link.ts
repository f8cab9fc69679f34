// A link to a file of the output repository on its web host, when that host is GitHub or GitLab.

export function parseRepoUrl(url: string): { host: string; path: string } | null {
  // scp-like: git@github.com:owner/repo.git
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(url);
  if (scp) return { host: scp[1]!.toLowerCase(), path: scp[2]! };
  try {
    const u = new URL(url);
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(u.protocol)) return null;
    const path = u.pathname
      .replace(/^\/+/, '')
      .replace(/\.git\/?$/, '')
      .replace(/\/+$/, '');
    return path ? { host: u.hostname.toLowerCase(), path } : null;
  } catch {
    return null;
  }
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** https URL of `file` on branch `branch`, or null when the host is neither GitHub nor GitLab. */
export function webFileUrl(repoUrl: string, branch: string, file: string): string | null {
  const r = parseRepoUrl(repoUrl);
  if (!r || !/^[\w./-]+$/.test(r.path)) return null;
  if (r.host === 'github.com')
    return `https://github.com/${r.path}/blob/${encodePath(branch)}/${encodePath(file)}`;
  if (r.host === 'gitlab.com' || r.host.startsWith('gitlab.'))
    return `https://${r.host}/${r.path}/-/blob/${encodePath(branch)}/${encodePath(file)}`;
  return null;
}
