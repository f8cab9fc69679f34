// `git check-ref-format --branch NAME` as a pure rule set (the config is checked without spawning
// git): the reason a branch name is refused, or null when git accepts it.
// Rules from git-check-ref-format(1), applied to `refs/heads/NAME`.

export function branchNameProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (name === '@') return 'is `@`, which git reserves';
  if (name.startsWith('-')) return 'starts with `-` (git would read it as an option)';
  if (/[\x00-\x20\x7f]/.test(name)) return 'contains a space or a control character';
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `contains \`${bad[0]}\``;
  if (name.includes('..')) return 'contains `..`';
  if (name.includes('@{')) return 'contains `@{`';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return 'has an empty path component (a leading, trailing or doubled `/`)';
  if (name.endsWith('.')) return 'ends with `.`';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'has a path component starting with `.`';
    if (part.endsWith('.lock')) return 'has a path component ending with `.lock`';
  }
  return null;
}
