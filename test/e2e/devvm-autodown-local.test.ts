// start.idle_shutdown.delete_after on the local backend, as a user meets it: `status` says
// "deletes in 2d 3h" under a stopped machine not yet due, and deletes one stopped longer than that,
// saying so once and logging it to <home>/dev/deleted.log.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { createRepos, killDevMachine, localDevSetting } from '../helpers/local-dev.js';
import { waitFor } from '../helpers/wait.js';

const setting = localDevSetting('mymlops-e2e-autodown-');
const { tmp, home, origin, repo, env } = setting;
const DAY = 86400_000;
const NAMES = ['old', 'young', 'quick'];

after(() => {
  for (const name of NAMES) killDevMachine(home, name);
  rmSync(tmp, { recursive: true, force: true });
});

const config = (command: string, deleteAfter: string) => `backend: local
commit:
  command: "true"
  repository: {url: ${JSON.stringify(origin)}}
  output_repository: {url: ${JSON.stringify(join(tmp, 'out.git'))}}
start:
  command: ${JSON.stringify(command)}
  repository: {url: ${JSON.stringify(origin)}}
  idle_shutdown: {timeout: 10m, interval: 1, delete_after: ${deleteAfter}}
`;

before(() => {
  createRepos(setting);
  writeFileSync(join(repo, 'mymlops.yml'), config('sleep 600', '7d'));
  writeFileSync(join(repo, 'quick.yml'), config('echo done', '2s'));
});

const stoppedSince = (name: string, at: Date) =>
  writeFileSync(
    join(home, 'dev', name, 'stopped.json'),
    `${JSON.stringify({ requested_at: at.toISOString() })}\n`,
  );

describe('start.idle_shutdown.delete_after (local backend)', () => {
  it('status deletes a machine stopped longer than delete_after and counts down the other', async () => {
    for (const name of ['old', 'young']) {
      const s = runCli(['start', '--name', name], { cwd: repo, env });
      assert.equal(s.code, 0, s.stderr);
      // `start` returns once the machine runs; its clone is made after: stop it once it exists.
      await waitFor(() => existsSync(join(home, 'dev', name, 'repo', '.git', 'mymlops-cloned')), {
        what: `dev machine ${name}'s clone`,
      });
      const st = runCli(['stop', name], { cwd: repo, env });
      assert.equal(st.code, 0, st.stderr);
    }
    // A stop 8 days ago is due; one 5 days minus 3.5 hours ago has 2 days 3.5 hours left.
    const old = new Date(Date.now() - 8 * DAY);
    stoppedSince('old', old);
    stoppedSince('young', new Date(Date.now() - 5 * DAY + 3.5 * 3600_000));

    const st = runCli(['status'], { cwd: repo, env });
    assert.equal(st.code, 0, st.stderr);
    const said = `deleted dev machine old: stopped since ${old.toISOString()}, start.idle_shutdown.delete_after 7d`;
    assert.ok(st.stderr.includes(`${said}\n`), st.stderr);
    assert.match(st.stdout, /^ {2}young {2}local {2}stopped \(by you\) {2}deletes in 2d 3h$/m);
    assert.doesNotMatch(st.stdout, /^ {2}old /m);
    assert.ok(!existsSync(join(home, 'dev', 'old')), 'its folder (clone included) is gone');
    assert.ok(existsSync(join(home, 'dev', 'young', 'repo')), 'the other keeps its clone');
    const log = readFileSync(join(home, 'dev', 'deleted.log'), 'utf8');
    assert.match(log, new RegExp(`^\\S+Z ${said.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));

    const again = runCli(['status', '--json'], { cwd: repo, env });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /deleted dev machine/, 'said once');
    const vms = (JSON.parse(again.stdout) as { dev_vms: { name: string; deletes_at: string }[] }).dev_vms;
    assert.deepEqual(
      vms.map((v) => v.name),
      ['young'],
    );
    assert.ok(Date.parse(vms[0]!.deletes_at) > Date.now() + 2 * DAY);
  });

  it('a machine whose command exited is deleted once it has been stopped delete_after (2s)', async () => {
    const cfg = join(repo, 'quick.yml');
    const s = runCli(['start', '--name', 'quick', '--config', cfg], { cwd: repo, env });
    assert.equal(s.code, 0, s.stderr);
    const st = await waitFor(
      () => {
        const r = runCli(['status', '--config', cfg], { cwd: repo, env });
        return r.stderr.includes('deleted dev machine quick') ? r : null;
      },
      { what: 'status to delete the exited machine' },
    );
    assert.match(
      st.stderr,
      /deleted dev machine quick: stopped since \S+Z, start\.idle_shutdown\.delete_after 2s\n/,
    );
    assert.ok(!existsSync(join(home, 'dev', 'quick')));
  });
});
