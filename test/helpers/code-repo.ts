// A code repository with one snapshot ref per commit id, as `mymlops commit` leaves it: each
// snapshot a git commit at refs/mymlops/snapshots/<id> of a bare remote. Each version writes its
// files over the previous ones, so consecutive snapshots differ by exactly what it changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bareRepo, git } from './git-repo.js';

export function codeRepoWithSnapshots(
  dir: string,
  versions: { id: string; files: Record<string, string | Buffer> }[],
): { bare: string; shas: Record<string, string> } {
  const bare = bareRepo(join(dir, 'code.git'));
  const work = join(dir, 'code-work');
  mkdirSync(work, { recursive: true });
  git(work, 'init', '-q', '--initial-branch=master');
  const shas: Record<string, string> = {};
  for (const v of versions) {
    for (const [path, text] of Object.entries(v.files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', `snapshot ${v.id}`);
    shas[v.id] = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '-q', bare, `HEAD:refs/mymlops/snapshots/${v.id}`);
  }
  return { bare, shas };
}
