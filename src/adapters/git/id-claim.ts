// Reserving a commit id in the output repository, where homes and machines that share it meet: a
// create-only push of idRef(id) (src/core/commit/ids.ts). The ref points at a tiny commit of the
// empty tree written into the user's repository, so nothing of the code reaches the output
// repository. Each claim's commit is its own (a random nonce): git reports a push of the sha a ref
// already holds as up to date, which would let two claims of one id both succeed.
import { randomUUID } from 'node:crypto';
import type { ClaimFailure, GitAuth } from '../../core/ports/git.js';
import { commitIdDate, idRef } from '../../core/commit/ids.js';
import type { Result } from '../../errors.js';
import { gitScript } from './git.js';
import { claimRef } from './push.js';

const ID_COMMIT_SCRIPT = `set -eu
cd "$1"
tree=$(git mktree </dev/null)
printf 'tree %s\\nauthor mymlops <mymlops@localhost> %s +0000\\ncommitter mymlops <mymlops@localhost> %s +0000\\n\\nmymlops commit id %s\\n\\nclaim %s\\n' \\
  "$tree" "$2" "$2" "$3" "$4" | git hash-object -t commit -w --stdin
`;

export async function claimOutputId(o: {
  root: string;
  url: string;
  id: string;
  auth: GitAuth;
}): Promise<Result<void, ClaimFailure>> {
  const epoch = String(Math.floor((commitIdDate(o.id)?.getTime() ?? 0) / 1000));
  const sha = (await gitScript(ID_COMMIT_SCRIPT, [o.root, epoch, o.id, randomUUID()])).stdout.trim();
  return claimRef({ root: o.root, url: o.url, sha, ref: idRef(o.id), auth: o.auth });
}
