// A file larger than the output repository's server accepts (GitHub: 100 MB) is never pushed: the
// result is kept with one line naming the file, its size and what to change, and publish mode
// pushes it once the file is gone. The server here is real git with a pre-receive hook refusing
// blobs over 1 MB, and the job is told the same limit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { git, outputFiles } from '../../helpers/git-repo.js';
import { guardedOutputRepo, jobFolder, jobSource, runJobScript } from '../../helpers/job-script.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-large-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const LIMIT = 1024 * 1024;

test('a file over the server limit stops the publish with one line; the result is kept', () => {
  const { user, ...source } = jobSource(
    tmp,
    { 'notebooks/artifacts/model.bin': randomBytes(2 * LIMIT), 'notebooks/artifacts/small.txt': 'ok\n' },
    'model',
  );
  const out = guardedOutputRepo(join(tmp, 'out.git'), LIMIT);
  // The hook is a real refusal: a push carrying the model is declined.
  const refused = spawnSync('git', ['push', '-q', out, 'master:refs/heads/probe'], {
    cwd: user,
    encoding: 'utf8',
  });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /exceeds the file size limit.*\n(.|\n)*pre-receive hook declined/);

  const jobDir = (name: string, id: string) =>
    jobFolder(join(tmp, name), id, source, out, { artifacts: true });
  const id = '20240101_000000';
  const J = jobDir('job', id);
  const limits = { MYMLOPS_GIT_MAX_FILE_MB: '1', MYMLOPS_PUBLISH_RETRY: '1' };
  const run = runJobScript(J, limits);
  assert.equal(run.status, 4, run.stdout + run.stderr);
  const line = `artifacts/model.bin is 2 MB; a git host accepts files up to 1 MB: set commit.artifact_store or leave it out of artifacts/`;
  assert.ok(run.stdout.includes(`mymlops: could not publish: ${line}\n`), run.stdout);
  const result = JSON.parse(readFileSync(join(J, 'result.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(result['published'], false);
  assert.equal(result['publish_error'], line);
  assert.equal(result['final_status'], 'succeeded');
  assert.ok(existsSync(join(J, 'unpublished', id, 'artifacts', 'model.bin')), 'the result is kept whole');
  assert.equal(git(out, 'for-each-ref', 'refs/heads/'), '', 'nothing was pushed');

  // Publish mode refuses it the same way, and pushes once the file is out of the kept folder.
  const again = runJobScript(J, { ...limits, MYMLOPS_JOB_MODE: 'publish' });
  assert.equal(again.status, 4, again.stdout);
  assert.match(again.stdout, /could not publish: artifacts\/model\.bin is 2 MB/);
  rmSync(join(J, 'unpublished', id, 'artifacts', 'model.bin'));
  const published = runJobScript(J, { ...limits, MYMLOPS_JOB_MODE: 'publish' });
  assert.equal(published.status, 0, published.stdout);
  assert.deepEqual(outputFiles(out, id).sort(), [
    `${id}/artifacts/small.txt`,
    `${id}/job.log`,
    `${id}/metadata.json`,
    `${id}/quick.ipynb`,
  ]);

  // A server whose limit is below the job's (100 MB here): its refusal ends the publish at once
  // (no retrying for publish_retry), naming what the server said; the result is kept.
  const id2 = '20240102_000000';
  const J2 = jobDir('job2', id2);
  const refusedRun = runJobScript(J2, { MYMLOPS_GIT_MAX_FILE_MB: '', MYMLOPS_PUBLISH_RETRY: '600' });
  assert.equal(refusedRun.status, 4, refusedRun.stdout + refusedRun.stderr);
  assert.match(
    refusedRun.stdout,
    /mymlops: could not publish: push to .*out\.git refused by the server: remote: error: File 20240102_000000\/artifacts\/model\.bin is 2097152 bytes; this exceeds the file size limit/,
  );
  assert.doesNotMatch(refusedRun.stdout, /trying again/);
  assert.ok(existsSync(join(J2, 'unpublished', id2, 'artifacts', 'model.bin')));
});
