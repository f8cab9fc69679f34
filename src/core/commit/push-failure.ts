// Why a push of the snapshot failed, as the fix to print: git's one-line reason (gitErrorLine) is
// matched against what servers say when they refuse for a reason credentials cannot fix.

interface Cause {
  test: RegExp;
  fix: string;
}

const CAUSES: Cause[] = [
  {
    test: /shallow update not allowed/i,
    fix: 'your clone is shallow and the server refuses shallow pushes: run `git fetch --unshallow`, then commit again',
  },
  {
    test: /hook declined|protected branch|refusing|denied by|GH\d{3}|pre-receive/i,
    fix: "the server refused the push for the reason it gave: ask the repository's owner to allow refs/mymlops/*, or point commit.repository.url at a repository that accepts them",
  },
];

const CREDENTIALS =
  'check commit.repository.url, and that your own git credentials (ssh agent or key, credential helper) or its deploy_key may push to it';

/** The fix for a failed snapshot push, from git's reason. */
export function snapshotPushFix(reason: string): string {
  return CAUSES.find((c) => c.test.test(reason))?.fix ?? CREDENTIALS;
}
