// GET /api/commits/<id>/files/<path> against a real output repository mirror: the notebook and
// artifacts download with their bytes and headers; traversal, NUL, other folders' files, symlinks
// and a foreign Host are refused.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { appContext } from '../../src/app/context.js';
import { startDashboard } from '../../src/dashboard/server/start.js';
import { processingMetadata, TestOutputRepo } from '../helpers/output-repo.js';

const ID = '20250401_100000';
const OTHER = '20250401_090000';
const BIN = Buffer.from([0, 255, 1, 254, 10, 0]);
let repo: TestOutputRepo;
let dir: string;
let dash: Awaited<ReturnType<typeof startDashboard>>;

before(async () => {
  repo = new TestOutputRepo('master');
  repo.write({
    [`${ID}/exp.ipynb`]: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 },
    [`${ID}/metadata.json`]: processingMetadata('exp.ipynb', 0, 0, { status: 'succeeded', artifacts: true }),
    [`${ID}/artifacts/sub dir/model.bin`]: BIN,
    [`${ID}/artifacts/report.html`]: '<script>alert(1)</script>',
    [`${OTHER}/other.ipynb`]: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 },
    [`${OTHER}/metadata.json`]: processingMetadata('other.ipynb', 0, 0, { status: 'succeeded' }),
  });
  // Symlinks committed into the folder: to a file outside and to a sibling folder.
  mkdirSync(join(repo.work, ID, 'artifacts'), { recursive: true });
  symlinkSync('/etc/passwd', join(repo.work, ID, 'artifacts', 'passwd'));
  symlinkSync(`../../${OTHER}`, join(repo.work, ID, 'artifacts', 'other'));
  repo.write({}, 'symlinks');
  dir = mkdtempSync(join(tmpdir(), 'mymlops-files-'));
  writeFileSync(
    join(dir, 'mymlops.yml'),
    `backend: local\ncommit:\n  command: python run.py\n  repository:\n    url: ${join(dir, 'repo.git')}\n  output_repository:\n    url: ${repo.bare}\n`,
  );
  const cfg = loadConfig({ file: join(dir, 'mymlops.yml'), cwd: dir, env: {} });
  dash = await startDashboard(appContext(cfg, { home: join(dir, 'home') }), {
    host: '127.0.0.1',
    port: 0,
    assetsDir: join(dir, 'no-assets'),
    overrides: { listMachines: async () => [] },
  });
});

after(async () => {
  await dash?.close();
  repo?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function get(
  path: string,
  host = new URL(dash.url).host,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const u = new URL(dash.url);
  return new Promise((resolve, reject) => {
    // The raw path as given: no client-side normalisation of `..`.
    const req = request({ host: u.hostname, port: u.port, path, headers: { Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const files = `/api/commits/${ID}/files`;

test('the notebook and an artifact download with their bytes, type and attachment name', async () => {
  const nb = await get(`${files}/exp.ipynb`);
  assert.equal(nb.status, 200);
  assert.equal(nb.headers['content-type'], 'application/x-ipynb+json');
  assert.match(String(nb.headers['content-disposition']), /^attachment; filename="exp\.ipynb"/);
  assert.deepEqual(JSON.parse(nb.body.toString('utf8')).cells, []);
  const bin = await get(`${files}/artifacts/sub%20dir/model.bin`);
  assert.equal(bin.status, 200);
  assert.equal(bin.headers['content-type'], 'application/octet-stream');
  assert.match(String(bin.headers['content-disposition']), /filename="model\.bin"/);
  assert.deepEqual(bin.body, BIN);
  const html = await get(`${files}/artifacts/report.html`);
  assert.equal(html.status, 200);
  assert.match(String(html.headers['content-security-policy']), /^sandbox/);
  assert.match(String(html.headers['content-disposition']), /^attachment/);
});

test('traversal, NUL, other files and folders, symlinks and a foreign Host are refused', async () => {
  const refused: [string, number][] = [
    // The URL parser resolves a literal `..` before routing: it names no route at all.
    [`${files}/../${OTHER}/other.ipynb`, 404],
    [`${files}/..%2F${OTHER}%2Fother.ipynb`, 400],
    [`${files}/artifacts/..%2F..%2F${OTHER}%2Fother.ipynb`, 400],
    [`${files}/artifacts/%2e%2e/metadata.json`, 400],
    [`${files}/%2Fetc%2Fpasswd`, 400],
    [`${files}/artifacts/a%00b`, 400],
    [`${files}/artifacts/a%5C..%5Cb`, 400],
    [`${files}/metadata.json`, 400],
    [`${files}/other.ipynb`, 404],
    [`${files}/artifacts/passwd`, 404],
    [`${files}/artifacts/other/other.ipynb`, 404],
    [`${files}/artifacts`, 400],
    [`/api/commits/..%2F${OTHER}/files/other.ipynb`, 404],
  ];
  for (const [path, status] of refused) {
    const r = await get(path);
    assert.equal(r.status, status, path);
    assert.ok(!r.body.includes('root:') && !r.body.includes('nbformat'), path);
  }
  assert.equal((await get(`${files}/exp.ipynb`, 'evil.example')).status, 403);
});
