// Reserving commit ids in the output repository, where homes and machines that share it meet: a
// create-only push of idRef(id) (src/core/commit/ids.ts). Each ref points at a tiny commit of the
// empty tree written into the user's repository, so nothing of the code reaches the output
// repository. Each claim's commit is its own (a random nonce): git reports a push of the sha a ref
// already holds as up to date, which would let two claims of one id both succeed.
import { randomUUID } from 'node:crypto';
import type { ClaimFailure, GitAuth } from '../../core/ports/git.js';
import { commitIdDate, idRef } from '../../core/commit/ids.js';
import { err, type Result } from '../../errors.js';
import { gitScript } from './git.js';
import { claimRefs } from './push.js';

// $1 = the repository, $2 the nonce, then pairs of (epoch, id): one commit sha per line.
const ID_COMMITS_SCRIPT = `set -eu
cd "$1"
nonce=$2
shift 2
tree=$(git mktree </dev/null)
while [ $# -ge 2 ]; do
  printf 'tree %s\\nauthor mymlops <mymlops@localhost> %s +0000\\ncommitter mymlops <mymlops@localhost> %s +0000\\n\\nmymlops commit id %s\\n\\nclaim %s\\n' \\
    "$tree" "$1" "$1" "$2" "$nonce" | git hash-object -t commit -w --stdin
  shift 2
done
`;

export async function claimOutputIds(o: {
  root: string;
  url: string;
  ids: string[];
  auth: GitAuth;
}): Promise<Result<void, ClaimFailure>> {
  const args = o.ids.flatMap((id) => [String(Math.floor((commitIdDate(id)?.getTime() ?? 0) / 1000)), id]);
  const made = await gitScript(ID_COMMITS_SCRIPT, [o.root, randomUUID(), ...args], { allowFail: true });
  // No claim can be made (an object store that cannot be written): the caller goes on without it.
  if (made.code !== 0) return err({ taken: false, refs: [], line: made.stderr.trim() });
  const shas = made.stdout.trim().split('\n');
  return claimRefs({
    root: o.root,
    url: o.url,
    claims: o.ids.map((id, i) => ({ ref: idRef(id), sha: shas[i]! })),
    auth: o.auth,
  });
}

export function claimOutputId(o: {
  root: string;
  url: string;
  id: string;
  auth: GitAuth;
}): Promise<Result<void, ClaimFailure>> {
  return claimOutputIds({ ...o, ids: [o.id] });
}
