// The setting of an e2e test of local dev machines: a temp folder with MYMLOPS_HOME, a user
// repository pushed to a bare origin, a bare output repository, an idle fake /proc/stat for the
// watchdog (so the machine's load never decides a test), and the clean-up of the machines' process
// groups (the dev script and its command run detached and outlive the CLI).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareRepo, git, userRepo } from './git-repo.js';

export interface LocalDevSetting {
  tmp: string;
  home: string;
  origin: string;
  repo: string;
  out: string;
  env: { MYMLOPS_HOME: string; MYMLOPS_DEV_WD_PROC_STAT: string };
}

/** The paths only (a temp folder is made); `createRepos` makes the repositories. */
export function localDevSetting(prefix: string): LocalDevSetting {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const home = join(tmp, 'home');
  return {
    tmp,
    home,
    origin: join(tmp, 'origin.git'),
    repo: join(tmp, 'repo'),
    out: join(tmp, 'out.git'),
    env: { MYMLOPS_HOME: home, MYMLOPS_DEV_WD_PROC_STAT: join(tmp, 'stat') },
  };
}

/** The idle /proc/stat, origin (with the user repository pushed, plus `hello.txt` if given) and out. */
export function createRepos(s: LocalDevSetting, hello?: string): void {
  writeFileSync(join(s.tmp, 'stat'), 'cpu 100 0 100 1000 0 0 0 0 0 0\n');
  bareRepo(s.origin);
  userRepo(s.repo);
  if (hello !== undefined) {
    writeFileSync(join(s.repo, 'hello.txt'), hello);
    git(s.repo, 'add', 'hello.txt');
    git(s.repo, 'commit', '-q', '-m', 'hello');
  }
  git(s.repo, 'push', '-q', s.origin, 'master');
  bareRepo(s.out);
}

/** SIGKILL to the process groups of dev machine `name` (its script and its command), if any. */
export function killDevMachine(home: string, name: string): void {
  const dir = join(home, 'dev', name);
  for (const f of ['pid', 'command.pid']) {
    const p = existsSync(join(dir, f)) ? Number(readFileSync(join(dir, f), 'utf8')) : 0;
    if (p > 0)
      try {
        process.kill(-p, 'SIGKILL');
      } catch {}
  }
}
