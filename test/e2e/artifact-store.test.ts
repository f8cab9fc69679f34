// commit.artifact_store as a user meets it: an artifact too large for the output repository's server
// (a pre-receive hook refusing blobs over 1 MB, as GitHub refuses 100 MB) ends the commit
// `failed (not published: …)` naming the setting; once the store is configured `mymlops publish`
// pushes the result with the file in the store, and `show --artifact` reads it back verified.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, ensureBuilt, runCli } from '../helpers/cli.js';
import {
  bareRepo,
  commitFiles,
  FAKE_COMMAND,
  git,
  outputFiles,
  userRepo,
  writeConfig,
} from '../helpers/git-repo.js';
import { guardedOutputRepo } from '../helpers/job-script.js';
import { waitFor } from '../helpers/wait.js';

const MB = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-store-'));
const env = { MYMLOPS_HOME: join(tmp, 'home'), MYMLOPS_GIT_MAX_FILE_MB: '1', MYMLOPS_PUBLISH_RETRY: '1' };
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const model = randomBytes(3 * MB);

before(() => {
  ensureBuilt();
  bareRepo(origin);
  guardedOutputRepo(out, MB);
  userRepo(repo);
  commitFiles(repo, { 'notebooks/artifacts/model.bin': model }, 'model');
  git(repo, 'push', '-q', origin, 'master');
  writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('without a store the commit is kept naming the setting; publish works once a store is configured', async () => {
  const r = runCli(['commit', '-a', 'notebooks/quick.ipynb'], { cwd: repo, env });
  assert.equal(r.code, 1, r.stderr);
  const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
  const status = runCli(['status'], { cwd: repo, env });
  const row = status.stdout.split('\n').find((l) => l.includes(id)) ?? '';
  assert.match(
    row,
    /^failed .*\(not published: artifacts\/model\.bin is 3 MB; a git host accepts files up to 1 MB: set commit\.artifact_store or leave it out of artifacts\/\)$/,
  );
  assert.equal(git(out, 'for-each-ref', 'refs/heads/'), '', 'nothing was pushed');

  appendFileSync(join(repo, 'mymlops.yml'), `  artifact_store: {url: store, min_mb: 1}\n`);
  const p = runCli(['publish', id], { cwd: repo, env });
  assert.equal(p.code, 0, p.stderr);
  assert.ok(readFileSync(join(repo, 'store', id, 'artifacts', 'model.bin')).equals(model));
  assert.ok(outputFiles(out, id).includes(`${id}/stored-artifacts.json`));

  // show --artifact reads it back through the manifest, byte for byte (stdout as binary), once
  // the output-repository mirror (fetched at most every 3 s) has the published folder.
  await waitFor(() => /artifacts:\s+model\.bin/.test(runCli(['show', id], { cwd: repo, env }).stdout), {
    what: 'show to list the stored artifact',
    intervalMs: 500,
  });
  const shown = spawnSync(process.execPath, [BIN, 'show', id, '--artifact', 'model.bin'], {
    cwd: repo,
    env: { ...process.env, ...env },
    maxBuffer: 16 * MB,
  });
  assert.equal(shown.status, 0, `${shown.stderr.toString()} ${shown.stdout.length} ${String(shown.error)}`);
  assert.ok(shown.stdout.equals(model), 'byte for byte');

  // A stored copy that no longer matches its sha256 is refused in one line, nothing written.
  const bad = Buffer.from(model);
  bad[7] = (bad[7]! + 1) % 256;
  writeFileSync(join(repo, 'store', id, 'artifacts', 'model.bin'), bad);
  rmSync(join(env.MYMLOPS_HOME, 'cache', 'artifacts'), { recursive: true, force: true });
  const refused = spawnSync(process.execPath, [BIN, 'show', id, '--artifact', 'model.bin'], {
    cwd: repo,
    env: { ...process.env, ...env },
  });
  assert.equal(refused.status, 74);
  assert.equal(refused.stdout.length, 0);
  assert.match(
    refused.stderr.toString(),
    /^mymlops: artifacts\/model\.bin in the artifact store .* does not match its manifest/,
  );
});
