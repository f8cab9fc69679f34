// The original tool's reading of an output repository, written from its documented behaviour as the
// oracle for "the original reads what mymlops writes": every `<id>/` folder holding a `*.ipynb` is a
// result; it is failed (F) when any cell of that notebook has an output of type `error`, else
// succeeded (S). Nothing else (metadata.json, tags, job.log) is looked at.
import { execFileSync } from 'node:child_process';

export type OriginalVerdict = 'S' | 'F';

export function originalVerdictOf(notebook: unknown): OriginalVerdict {
  const cells = (notebook as { cells?: { outputs?: { output_type?: string }[] }[] }).cells ?? [];
  return cells.some((c) => (c.outputs ?? []).some((o) => o.output_type === 'error')) ? 'F' : 'S';
}

/** What the original's dashboard shows for each result folder on `branch` of a bare repository. */
export function originalDashboard(bare: string, branch = 'master'): Record<string, OriginalVerdict> {
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', bare, ...args], { encoding: 'utf8' });
  const out: Record<string, OriginalVerdict> = {};
  for (const path of git('ls-tree', '-r', '--name-only', branch).split('\n')) {
    const m = /^([^/]+)\/([^/]+\.ipynb)$/.exec(path);
    if (m) out[m[1]!] = originalVerdictOf(JSON.parse(git('show', `${branch}:${path}`)));
  }
  return out;
}
