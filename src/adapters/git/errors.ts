// git's failures that the user must fix, as one line each instead of a stack: matched on git's own
// stderr (LC_ALL=C is set for every git run, so the English messages are stable).
import { UserError } from '../../errors.js';
import { ExecError } from '../../util/exec.js';

const GENERIC =
  /Could not read from remote repository|Please make sure you have the correct|and the repository exists|^hint:|^To |^ ! \[/;

/** The most telling line of git's stderr: the first fatal/error that is not git's generic advice. */
export function gitErrorLine(stderr: string): string {
  // A server's refusal: its own `remote:` lines (a hook's reason) say why; without them the reason
  // in git's `! [remote rejected] ref -> ref (reason)` does, not the generic "failed to push".
  const refused = /^\s*! \[remote rejected\] .*\((.+)\)\s*$/m.exec(stderr)?.[1];
  if (refused) {
    const said = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^remote:\s*\S/.test(l))
      .slice(0, 3)
      .join(' / ');
    return said ? `${said} (${refused})` : `the server refused the push (${refused})`;
  }
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !GENERIC.test(l));
  return lines.find((l) => /^(fatal|error|remote: error|remote:)/i.test(l)) ?? lines.at(-1) ?? '';
}

interface Known {
  test: RegExp;
  what: (root: string, line: string) => string;
  fix: string;
}

const KNOWN: Known[] = [
  {
    test: /git-lfs|filter-process|external filter 'git-lfs/,
    what: (root) => `${root} uses git-lfs (filter=lfs in .gitattributes) but git-lfs is not installed`,
    fix: 'install git-lfs (e.g. apt install git-lfs) and run git lfs install',
  },
  {
    test: /index file corrupt|bad signature 0x|index file smaller than expected|bad index file/,
    what: (root, line) => `the git index of ${root} is corrupt (${line})`,
    fix: 'rebuild it: rm .git/index && git reset (your files and commits are kept)',
  },
  {
    test: /does not have a commit checked out/,
    what: (_root, line) => `a nested git repository has no commit (${line})`,
    fix: 'commit in it, remove its .git folder, or add it to .gitignore',
  },
  {
    test: /not a git repository/,
    what: (root) => `${root} is not a git repository`,
    fix: 'run mymlops commit from your repository (git init)',
  },
];

/** A failed snapshot step as a UserError: a known cause with its fix, else git's own line. */
export function snapshotError(e: unknown, root: string): unknown {
  if (!(e instanceof ExecError)) return e;
  const stderr = e.result.stderr;
  const line = gitErrorLine(stderr) || `git exited ${e.result.code}`;
  const known = KNOWN.find((k) => k.test.test(stderr));
  if (known) return new UserError(known.what(root, line), known.fix);
  return new UserError(
    `could not build the snapshot of ${root}: ${line}`,
    'fix the repository so that `git add -A` works in it',
  );
}
