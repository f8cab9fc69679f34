// Path patterns of commit.snapshot.include/exclude, with .gitignore's everyday meaning: `*` and `?`
// stay inside one path segment, `**` spans segments, a pattern without `/` matches a name at any
// depth, a pattern with `/` is anchored at the repository root, a trailing `/` means "everything
// under this folder".

function segmentRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more folders; a bare `**` anything.
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

export function globRegex(pattern: string): RegExp {
  let p = pattern.trim();
  let under = false;
  if (p.endsWith('/')) {
    under = true;
    p = p.slice(0, -1);
  }
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const body = segmentRegex(p);
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}${under ? '/.*' : '(?:/.*)?'}$`);
}

/** One predicate for a list of patterns (false for an empty list). */
export function globMatcher(patterns: string[]): (path: string) => boolean {
  const res = patterns.filter((p) => p.trim() !== '').map(globRegex);
  return (path) => res.some((r) => r.test(path));
}
