// What `show`, `diff` and the dashboard's compare route read comparisons through: the output
// repository's files and the code repository's snapshots (the user's git credentials, then
// commit.repository.deploy_key).
import { dirname } from 'node:path';
import { snapshotDiff } from '../../adapters/git/code-diff.js';
import { statusService } from '../status/service.js';
import { UserError } from '../../errors.js';
import { isCommitId } from '../../core/commit/ids.js';
import type { CommitRow } from '../../core/status/types.js';
import type { ComparePorts } from '../../core/compare/compare.js';
import type { AppContext } from '../context.js';

export function comparePorts(
  ctx: Pick<AppContext, 'config' | 'home' | 'sshOptions'>,
  readCommitFile: ComparePorts['readCommitFile'],
): ComparePorts {
  const repo = ctx.config.commit?.repository;
  return {
    readCommitFile,
    codeDiff: async (from, to, exclude) => {
      if (!repo) return { ok: false, error: 'no commit.repository in the config: the code diff needs it' };
      return snapshotDiff(
        ctx.home,
        {
          url: repo.url,
          deployKey: repo.deploy_key,
          sshOptions: ctx.sshOptions,
          root: dirname(ctx.config.file),
        },
        from,
        to,
        exclude,
      );
    },
  };
}

/** The commits `ids` name (as status sees them now) and a reader of their output folders. */
export async function loadCommits(
  ctx: AppContext,
  ids: string[],
): Promise<{ rows: CommitRow[]; readCommitFile: ComparePorts['readCommitFile'] }> {
  for (const id of ids)
    if (!isCommitId(id))
      throw new UserError(
        `${id} is not a commit id`,
        'pass ids as `mymlops status` lists them (YYYYmmdd_HHMMSS)',
      );
  const { service, index } = statusService(ctx, { failWhenUnreachable: true });
  const snap = await service.snapshot();
  const byId = new Map(snap.commits.map((c) => [c.id, c]));
  const rows = ids.map((id) => {
    const r = byId.get(id);
    if (!r) throw new UserError(`no commit ${id}`, 'run `mymlops status` to see the commit ids');
    return r;
  });
  return { rows, readCommitFile: (id, name) => index.readFile(id, name) };
}
