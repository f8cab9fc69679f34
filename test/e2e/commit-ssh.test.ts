// One commit over ssh: both repositories on a real sshd (127.0.0.1, non-default port), each reached
// with its own deploy key — each key is only allowed into its own repository on the server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import {
  bareRepo,
  FAKE_COMMAND,
  outputFile,
  outputFolders,
  snapshotRefs,
  userRepo,
  writeConfig,
} from '../helpers/git-repo.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-commit-ssh-'));
let sshd: Sshd | null = null;
after(async () => {
  await sshd?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');

/** A key that the server accepts only for git commands on `allowed` (path of a bare repository). */
function restrictedKey(name: string, allowed: string): string {
  const key = join(tmp, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const gate = join(tmp, `${name}-gate.sh`);
  writeFileSync(
    gate,
    `#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  git-*"'${allowed}'"*) exec sh -c "$SSH_ORIGINAL_COMMAND" ;;\n` +
      `  *) echo "key ${name} may not run: $SSH_ORIGINAL_COMMAND" >&2; exit 1 ;;\nesac\n`,
  );
  chmodSync(gate, 0o755);
  appendFileSync(
    join(sshd!.dir, 'authorized_keys'),
    `command="${gate}",no-port-forwarding,no-pty ${readFileSync(`${key}.pub`, 'utf8')}`,
  );
  return key;
}

before(async () => {
  sshd = await startSshd();
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
});

describe('mymlops commit over ssh with deploy keys', () => {
  it('pushes the snapshot, clones it and publishes, each repository with its own key', () => {
    assert.notEqual(sshd!.port, 22);
    const repoKey = restrictedKey('repo_key', origin);
    const outKey = restrictedKey('out_key', out);
    const url = (p: string) => `ssh://root@127.0.0.1:${sshd!.port}${p}`;
    writeConfig(repo, {
      command: FAKE_COMMAND,
      repository: url(origin),
      output: url(out),
      repoKey,
      outputKey: outKey,
    });
    const env = {
      MYMLOPS_HOME: home,
      // Host keys go to a test file, never to ~/.ssh/known_hosts.
      MYMLOPS_SSH_OPTIONS: `-o UserKnownHostsFile=${join(tmp, 'known_hosts')}`,
      // No agent or default key may help: only the deploy keys can work.
      SSH_AUTH_SOCK: '',
    };
    const r = runCli(['commit', 'notebooks/quick.ipynb', '-n', 'over ssh', '-k'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
    assert.deepEqual(snapshotRefs(origin), [`refs/mymlops/snapshots/${id}`]);
    assert.deepEqual(outputFolders(out), [id]);
    const meta = JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>;
    assert.equal(meta['status'], 'succeeded');
    assert.equal(meta['repository'], url(origin));
    assert.match(outputFile(out, `${id}/quick.ipynb`), /ran cell 2/);
    // accept-new recorded the host key in the file given through MYMLOPS_SSH_OPTIONS (maybe hashed).
    assert.match(readFileSync(join(tmp, 'known_hosts'), 'utf8'), /ssh-ed25519 AAAA/);
    // -k keeps the work folder; the keys were copied with mode 0600.
    assert.ok(existsSync(join(home, 'jobs', id, 'work', 'repo', 'notebooks', 'quick.ipynb')));
    for (const k of ['repository', 'output'])
      assert.equal(statSync(join(home, 'jobs', id, 'keys', k)).mode & 0o777, 0o600);
  });

  it('a key that is not allowed into the output repository fails the job visibly', () => {
    const wrongKey = restrictedKey('wrong_key', join(tmp, 'elsewhere.git'));
    const url = (p: string) => `ssh://root@127.0.0.1:${sshd!.port}${p}`;
    writeConfig(repo, {
      command: FAKE_COMMAND,
      repository: url(origin),
      output: url(out),
      repoKey: join(tmp, 'repo_key'),
      outputKey: wrongKey,
    });
    const r = runCli(['commit', 'notebooks/quick.ipynb'], {
      cwd: repo,
      env: {
        MYMLOPS_HOME: home,
        MYMLOPS_SSH_OPTIONS: `-o UserKnownHostsFile=${join(tmp, 'known_hosts')}`,
        SSH_AUTH_SOCK: '',
        // The job retries a failed publish for a while before it keeps the result: not long here.
        MYMLOPS_PUBLISH_RETRY: '3',
      },
    });
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(
      r.stderr.trim().split('\n').pop()!,
      /failed in \d+s — output repository .* unreachable: key wrong_key may not run/,
    );
    assert.equal(outputFolders(out).length, 1);
  });
});
