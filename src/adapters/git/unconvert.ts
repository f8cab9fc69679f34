// Line-ending conversion undone: with core.autocrlf or text/eol attributes, `git add` stores a CRLF
// file as LF (and a file checked out as CRLF keeps its LF blob), so the job would get other bytes
// than the disk holds. Here the files of the snapshot's index whose disk copy has CRLF and whose
// blob does not are hashed again as they are (--no-filters). Files under a filter (git-lfs) keep
// their filter: the job's checkout gives back the same bytes. Only run when a conversion is
// configured (the snapshot script checks), since `ls-files --eol` reads every file.
import { git } from './git.js';

interface EolEntry {
  mode: string;
  path: string;
  index: string;
  disk: string;
}

/** `git ls-files -z -s --eol` records: `<mode> <sha> <stage>\ti/<x> w/<y> attr/<z>\t<path>`. */
export function parseEol(stdout: string): EolEntry[] {
  const out: EolEntry[] = [];
  for (const rec of stdout.split('\0')) {
    const m = /^(\d+) [0-9a-f]+ \d\ti\/(\S*)\s+w\/(\S*)\s+attr\/[^\t]*\t(.*)$/s.exec(rec);
    if (m) out.push({ mode: m[1]!, index: m[2]!, disk: m[3]!, path: m[4]! });
  }
  return out;
}

/** Paths whose stored bytes differ from the disk's by line endings. */
export function converted(entries: EolEntry[], notebook: string): EolEntry[] {
  return entries.filter(
    (e) =>
      (e.mode === '100644' || e.mode === '100755') &&
      (e.disk === 'crlf' || e.disk === 'mixed') &&
      e.index !== e.disk &&
      e.path !== notebook &&
      !e.path.includes('\n'),
  );
}

export async function unconvert(root: string, index: string, notebook: string): Promise<void> {
  const env = { ...process.env, GIT_INDEX_FILE: index };
  const eol = await git(['ls-files', '-z', '-s', '--eol'], { cwd: root, env });
  const candidates = converted(parseEol(eol.stdout), notebook);
  if (candidates.length === 0) return;
  const attrs = await git(['check-attr', '-z', '--stdin', 'filter'], {
    cwd: root,
    env,
    input: candidates.map((c) => `${c.path}\0`).join(''),
  });
  const filtered = new Set<string>();
  const f = attrs.stdout.split('\0');
  for (let i = 0; i + 2 < f.length; i += 3)
    if (f[i + 2] !== 'unspecified' && f[i + 2] !== 'unset') filtered.add(f[i]!);
  const plain = candidates.filter((c) => !filtered.has(c.path));
  if (plain.length === 0) return;
  const hashed = await git(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
    cwd: root,
    env,
    input: plain.map((c) => `${c.path}\n`).join(''),
  });
  const shas = hashed.stdout.trim().split('\n');
  await git(['update-index', '-z', '--index-info'], {
    cwd: root,
    env,
    input: plain.map((c, i) => `${c.mode} ${shas[i]}\t${c.path}\0`).join(''),
  });
}
