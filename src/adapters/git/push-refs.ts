// One push of one commit to many refs: a sweep's runs each get their snapshot ref, all pointing at
// the same snapshot commit, over a single connection.
import { err, ok, type Result } from '../../errors.js';
import { type GitAuth, git } from './git.js';

export async function pushRefs(o: {
  root: string;
  url: string;
  sha: string;
  refs: string[];
  auth: GitAuth;
}): Promise<Result<void, string>> {
  if (o.refs.length === 0) return ok(undefined);
  const r = await git(['push', '--no-verify', '--quiet', o.url, ...o.refs.map((ref) => `${o.sha}:${ref}`)], {
    cwd: o.root,
    auth: o.auth,
    allowFail: true,
    timeoutMs: 120_000,
  });
  if (r.code === 0) return ok(undefined);
  const line =
    r.stderr.split('\n').find((l) => /^(fatal|error|remote: error)/.test(l)) ??
    r.stderr.trim().split('\n').pop();
  return err(line || `git push exited ${r.code}`);
}
