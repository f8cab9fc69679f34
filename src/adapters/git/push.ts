// Pushing and removing the snapshot ref. The push uses the user's own git credentials first (as a
// `git push` in their repository would: ssh agent, ~/.ssh keys and config, credential helper), so a
// deploy key needs read access only (the machine fetches with it); the deploy key is the fallback
// for users whose own credentials cannot push. Credentials in an https URL go through the
// environment (credentialArgs in git.ts) with the URL stripped in argv.
import { err, ok, type Result } from '../../errors.js';
import { splitUrlCredentials } from '../../util/url.js';
import { gitErrorLine } from './errors.js';
import type { ClaimFailure } from '../../core/ports/git.js';
import { git, type GitAuth } from './git.js';
import { envValue } from '../../util/env.js';

/** scp-like `user@host:path`, `ssh://`, `git+ssh://`: the remotes where a deploy key applies. */
export function isSshUrl(url: string): boolean {
  if (/^(?:git\+)?ssh:\/\//i.test(url) || /^ssh\+git:\/\//i.test(url)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return false;
  return /^[^/:]+:/.test(url);
}

/** The ssh command a `git push` in `root` would use: $GIT_SSH_COMMAND, else core.sshCommand, else ssh. */
async function userSsh(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const own = envValue('GIT_SSH_COMMAND', env);
  if (own) return own;
  const r = await git(['config', '--get', 'core.sshCommand'], { cwd: root, allowFail: true });
  return r.stdout.trim() || 'ssh';
}

export interface Attempt {
  who: string;
  auth: GitAuth;
}

/** The credentials to try, in order: the user's own, then the deploy key (ssh remotes only). */
export async function attempts(
  root: string,
  url: string,
  auth: GitAuth,
): Promise<{ url: string; list: Attempt[] }> {
  const split = splitUrlCredentials(url);
  const sshOptions = auth.sshOptions ?? [];
  if (!isSshUrl(split.url))
    return {
      url: split.url,
      list: [{ who: 'your git credentials', auth: { credentials: split.credentials } }],
    };
  const list: Attempt[] = [
    { who: 'your git credentials', auth: { userSsh: await userSsh(root, process.env), sshOptions } },
  ];
  if (auth.deployKey)
    list.push({ who: 'commit.repository.deploy_key', auth: { deployKey: auth.deployKey, sshOptions } });
  return { url: split.url, list };
}

/**
 * Runs git with each credential attempt in turn (`args` gets the URL without its credentials) until
 * one succeeds: its stdout, or every attempt's reason in one line (`named`: each prefixed with
 * whose credentials failed, when there were several).
 */
export async function firstThatWorks(
  o: { root: string; url: string; auth: GitAuth },
  args: (url: string) => string[],
  c: { verb: string; timeoutMs: number; named: boolean },
): Promise<Result<string, string>> {
  const { url, list } = await attempts(o.root, o.url, o.auth);
  const failures: string[] = [];
  for (const a of list) {
    const r = await git(args(url), { cwd: o.root, auth: a.auth, allowFail: true, timeoutMs: c.timeoutMs });
    if (r.code === 0) return ok(r.stdout);
    const line = gitErrorLine(r.stderr) || `git ${c.verb} exited ${r.code}`;
    failures.push(c.named && list.length > 1 ? `with ${a.who}: ${line}` : line);
  }
  return err(failures.join('; '));
}

const push = (url: string, refspecs: string[]) => ['push', '--no-verify', '--quiet', url, ...refspecs];

/**
 * Push `sha` to `ref` on `url` (never forced, user hooks skipped). `auth.deployKey` is the fallback;
 * when every attempt fails, the error names each attempt's reason in one line.
 */
export async function pushRef(opts: {
  root: string;
  url: string;
  sha: string;
  ref: string;
  auth: GitAuth;
}): Promise<Result<void, string>> {
  return pushRefs({ ...opts, refs: [opts.ref] });
}

/** One push of `sha` to many refs (a sweep's runs share one snapshot commit), same credentials. */
export async function pushRefs(opts: {
  root: string;
  url: string;
  sha: string;
  refs: string[];
  auth: GitAuth;
}): Promise<Result<void, string>> {
  if (opts.refs.length === 0) return ok(undefined);
  const r = await firstThatWorks(
    opts,
    (url) =>
      push(
        url,
        opts.refs.map((ref) => `${opts.sha}:${ref}`),
      ),
    { verb: 'push', timeoutMs: 120_000, named: true },
  );
  return r.ok ? ok(undefined) : r;
}

/**
 * Push each `sha` to its `ref` only where `ref` does not exist on `url` yet (an empty lease per ref,
 * in one push): the ids in those refs are then this commit's. Refs another commit holds are
 * `taken` (listed); a push that failed otherwise is the error line.
 */
export async function claimRefs(opts: {
  root: string;
  url: string;
  claims: { ref: string; sha: string }[];
  auth: GitAuth;
}): Promise<Result<void, ClaimFailure>> {
  if (opts.claims.length === 0) return ok(undefined);
  const r = await firstThatWorks(
    opts,
    (url) => [
      'push',
      '--no-verify',
      '--quiet',
      ...opts.claims.map((c) => `--force-with-lease=${c.ref}:`),
      url,
      ...opts.claims.map((c) => `${c.sha}:${c.ref}`),
    ],
    { verb: 'push', timeoutMs: 120_000, named: true },
  );
  if (r.ok) return ok(undefined);
  // Which refs are someone else's: there, with another commit than the one this claim pushed.
  const prefix = commonPrefix(opts.claims.map((c) => c.ref));
  const there = await firstThatWorks(opts, (url) => ['ls-remote', '--refs', url, `${prefix}*`], {
    verb: 'ls-remote',
    timeoutMs: 60_000,
    named: false,
  });
  const held = new Map<string, string>();
  if (there.ok)
    for (const line of there.value.split('\n')) {
      const [sha, ref] = line.split('\t');
      if (sha && ref) held.set(ref, sha);
    }
  const taken = opts.claims.filter((c) => held.has(c.ref) && held.get(c.ref) !== c.sha).map((c) => c.ref);
  return err({ taken: taken.length > 0, refs: taken, line: r.error });
}

function commonPrefix(refs: string[]): string {
  let p = refs[0] ?? '';
  for (const r of refs) while (!r.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** claimRefs for one ref. */
export function claimRef(opts: {
  root: string;
  url: string;
  sha: string;
  ref: string;
  auth: GitAuth;
}): Promise<Result<void, ClaimFailure>> {
  return claimRefs({ ...opts, claims: [{ ref: opts.ref, sha: opts.sha }] });
}

/** Best-effort removal of a pushed ref (a launch that failed after the push), same credentials. */
export async function deleteRef(opts: {
  root: string;
  url: string;
  ref: string;
  auth: GitAuth;
}): Promise<void> {
  await firstThatWorks(opts, (url) => push(url, [`:${opts.ref}`]), {
    verb: 'push',
    timeoutMs: 60_000,
    named: true,
  });
}

/** Refs under `prefix` on `url` (`git ls-remote`), with the same credentials as a push. */
export async function listRemoteRefs(opts: {
  root: string;
  url: string;
  prefix: string;
  auth: GitAuth;
}): Promise<Result<string[], string>> {
  const r = await firstThatWorks(opts, (url) => ['ls-remote', '--refs', url, `${opts.prefix}*`], {
    verb: 'ls-remote',
    timeoutMs: 60_000,
    named: false,
  });
  if (!r.ok) return r;
  return ok(
    r.value
      .split('\n')
      .map((l) => l.split('\t')[1])
      .filter((x): x is string => Boolean(x)),
  );
}

/** Removes `refs` from `url` in one push (same credentials as a push); the error line when it fails. */
export async function deleteRefs(opts: {
  root: string;
  url: string;
  refs: string[];
  auth: GitAuth;
}): Promise<Result<void, string>> {
  if (opts.refs.length === 0) return ok(undefined);
  const r = await firstThatWorks(
    opts,
    (url) =>
      push(
        url,
        opts.refs.map((x) => `:${x}`),
      ),
    { verb: 'push', timeoutMs: 120_000, named: false },
  );
  return r.ok ? ok(undefined) : r;
}
