// The git side of `mymlops doctor`, with the credentials each party really uses: the machine
// fetches the code with commit.repository.deploy_key, you push snapshots with your own git
// credentials, and the machine pushes results with commit.output_repository.deploy_key. Writes are
// probed with `git push --dry-run` (the server's receive-pack is asked, so a key refused write
// access fails, and nothing is sent or changed).
import type { Config } from '../../config/types.js';
import type { Verdict } from '../../core/doctor/checks.js';
import { splitUrlCredentials } from '../../util/url.js';
import { gitErrorLine } from '../../adapters/git/errors.js';
import { git, type GitAuth } from '../../adapters/git/git.js';
import { attempts, isSshUrl } from '../../adapters/git/push.js';

/** The ref a dry-run push names (never created: a dry run sends nothing). */
const PROBE_REF = 'refs/mymlops/doctor-probe';

async function run(root: string, args: string[], auth: GitAuth): Promise<string | null> {
  const r = await git(args, { cwd: root, auth, allowFail: true, timeoutMs: 60_000 });
  return r.code === 0 ? null : gitErrorLine(r.stderr) || `git ${args[0]} exited ${r.code}`;
}

/** Whether `auth` may push to `url`: a dry run to PROBE_REF, so nothing is sent. */
function probeWrite(root: string, url: string, auth: GitAuth): Promise<string | null> {
  return run(root, ['push', '--dry-run', '--quiet', '--no-verify', url, `HEAD:${PROBE_REF}`], auth);
}

/** The auth the machine uses for `repo`: its deploy key on ssh URLs, the URL's credentials otherwise. */
function machineAuth(
  url: string,
  deployKey: string | undefined,
  sshOptions: string[],
): { url: string; auth: GitAuth; who: string } | { missing: string } {
  const split = splitUrlCredentials(url);
  if (!isSshUrl(split.url))
    return {
      url: split.url,
      auth: { credentials: split.credentials },
      who: split.credentials ? 'the URL’s credentials' : 'no credentials (the URL names none)',
    };
  if (!deployKey) return { missing: 'an ssh URL without a deploy_key: the machine has no key to use' };
  return { url: split.url, auth: { deployKey, sshOptions }, who: 'its deploy key' };
}

async function codeRepo(c: Config, sshOptions: string[]): Promise<Verdict> {
  const repo = c.commit!.repository;
  const m = machineAuth(repo.url, repo.deploy_key, sshOptions);
  if ('missing' in m)
    return {
      state: 'fail',
      detail: `commit.repository is ${m.missing}`,
      fix: 'add commit.repository.deploy_key (a read-only deploy key is enough)',
    };
  const read = await run(c.dir, ['ls-remote', '--quiet', m.url, 'HEAD'], m.auth);
  if (read)
    return {
      state: 'fail',
      detail: `${m.url} is not readable with ${m.who}: ${read}`,
      fix: 'add the key as a deploy key of the repository (read access), or fix commit.repository.url',
    };
  const { url, list } = await attempts(c.dir, repo.url, { sshOptions });
  const write = await probeWrite(c.dir, url, list[0]!.auth);
  if (write)
    return {
      state: 'fail',
      detail: `readable with ${m.who}, but your own git credentials cannot push to it: ${write}`,
      fix: 'snapshots are pushed with your credentials (ssh agent or key, credential helper): make `git push` to it work',
    };
  return {
    state: 'ok',
    detail: `${m.url} readable with ${m.who}, writable with your git credentials`,
    fix: null,
  };
}

async function outputRepo(c: Config, sshOptions: string[]): Promise<Verdict> {
  const repo = c.commit!.output_repository;
  const m = machineAuth(repo.url, repo.deploy_key, sshOptions);
  if ('missing' in m)
    return {
      state: 'fail',
      detail: `commit.output_repository is ${m.missing}`,
      fix: 'add commit.output_repository.deploy_key (a deploy key with write access)',
    };
  const write = await probeWrite(c.dir, m.url, m.auth);
  if (write)
    return {
      state: 'fail',
      detail: `${m.url} is not writable with ${m.who}: ${write}`,
      fix: 'give the output repository’s deploy key write access ("Allow write access" on GitHub), or fix the URL',
    };
  return { state: 'ok', detail: `${m.url} writable with ${m.who} (git push --dry-run)`, fix: null };
}

export const GIT_CHECKS = {
  'code-repo': codeRepo,
  'output-repo': outputRepo,
} as const;
