// The simulator's Cloud Storage JSON API subset (the artifact store's): a plain HTTP client uploads,
// gets (metadata and alt=media), lists and deletes; unknown objects and buckets and a missing token
// answer Google's error shapes; the real `gcloud storage cp/ls` is a second client through
// CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE and reads back what the first wrote, byte for byte.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gcloudOk, hasGcloud, type SimEnv, startSim } from '../../helpers/gce-sim.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-storage-sim-'));
const B = 'mymlops-sim-artifacts';
let s: SimEnv;
let env: NodeJS.ProcessEnv;
const auth = { Authorization: 'Bearer test-access-token' };

before(async () => {
  s = await startSim(tmp);
  env = { ...process.env, ...s.gcloudEnv, CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: s.sim.storageBase };
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const gcloud = (...args: string[]) => gcloudOk(env, ['storage', ...args]);

const put = async (name: string, data: Buffer) => {
  const up = await fetch(
    `${s.sim.url}/upload/storage/v1/b/${B}/o?uploadType=media&name=${encodeURIComponent(name)}`,
    {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(data),
    },
  );
  assert.equal(up.status, 200);
  return (await up.json()) as Record<string, string>;
};

test('upload, get, list and delete; Google error shapes', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const name = 'p/20250101_000000/artifacts/model.bin';
  const obj = await put(name, data);
  assert.equal(obj['name'], name);
  assert.equal(obj['size'], String(data.length));
  assert.equal(obj['md5Hash'], createHash('md5').update(data).digest('base64'));

  const objUrl = `${s.sim.storageBase}b/${B}/o/${encodeURIComponent(name)}`;
  const media = await fetch(`${objUrl}?alt=media`, { headers: auth });
  assert.equal(media.status, 200);
  assert.ok(Buffer.from(await media.arrayBuffer()).equals(data));

  const list = (await (
    await fetch(`${s.sim.storageBase}b/${B}/o?prefix=p/&delimiter=/`, { headers: auth })
  ).json()) as { prefixes?: string[]; items?: unknown[] };
  assert.deepEqual(list, { kind: 'storage#objects', prefixes: ['p/20250101_000000/'] });

  const del = await fetch(objUrl, { method: 'DELETE', headers: auth });
  assert.equal(del.status, 204);
  const gone = await fetch(`${objUrl}?alt=media`, { headers: auth });
  assert.equal(gone.status, 404);
  assert.deepEqual(await gone.json(), {
    error: {
      code: 404,
      message: `No such object: ${B}/${name}`,
      errors: [{ message: `No such object: ${B}/${name}`, domain: 'global', reason: 'notFound' }],
    },
  });
  const noBucket = await fetch(`${s.sim.storageBase}b/nope/o`, { headers: auth });
  assert.equal(noBucket.status, 404);
  assert.equal(
    ((await noBucket.json()) as { error: { message: string } }).error.message,
    'The specified bucket does not exist.',
  );
  const anon = await fetch(`${objUrl}?alt=media`);
  assert.equal(anon.status, 401);
  assert.equal(((await anon.json()) as { error: { code: number } }).error.code, 401);
});

test('gcloud storage cp/ls as a second client', {
  skip: !hasGcloud && 'gcloud is not installed',
}, async () => {
  const data = randomBytes(3 * 1024 * 1024 + 5);
  const name = 'q/20250102_000000/artifacts/model.bin';
  await put(name, data);
  // gcloud reads what the plain client wrote (its download checks the hashes) and lists it.
  await gcloud('cp', `gs://${B}/${name}`, join(tmp, 'back.bin'));
  assert.ok(readFileSync(join(tmp, 'back.bin')).equals(data), 'gcloud downloads it byte for byte');
  writeFileSync(join(tmp, 'notes.txt'), 'hello\n');
  await gcloud('cp', join(tmp, 'notes.txt'), `gs://${B}/q/20250102_000000/artifacts/notes.txt`);
  const ls = await gcloud('ls', `gs://${B}/q/20250102_000000/artifacts/`);
  assert.deepEqual(ls.trim().split('\n').sort(), [
    `gs://${B}/q/20250102_000000/artifacts/model.bin`,
    `gs://${B}/q/20250102_000000/artifacts/notes.txt`,
  ]);
  const notes = await fetch(
    `${s.sim.storageBase}b/${B}/o/${encodeURIComponent('q/20250102_000000/artifacts/notes.txt')}?alt=media`,
    {
      headers: auth,
    },
  );
  assert.equal(await notes.text(), 'hello\n', 'the plain client reads what gcloud wrote');
});
