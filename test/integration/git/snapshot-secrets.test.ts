// Credential files against real git and real files: whatever their case, and by content for keys
// saved under names nobody lists (inspectSnapshot reads them, planSnapshot leaves them out).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectSnapshot } from '../../../src/adapters/git/inspect.js';
import { planSnapshot } from '../../../src/core/snapshot/rules.js';
import { git } from '../../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-secrets-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SA_KEY = JSON.stringify({
  type: 'service_account',
  project_id: 'p',
  private_key_id: 'abc',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  client_email: 'x@p.iam.gserviceaccount.com',
});

describe('inspectSnapshot + planSnapshot: credential files are left out', () => {
  it('by name in any case, and by content under any name; harmless look-alikes stay', async () => {
    const dir = join(tmp, 'repo');
    mkdirSync(join(dir, 'conf'), { recursive: true });
    git(dir, 'init', '-q', '--initial-branch=main');
    const files: Record<string, string> = {
      'nb.ipynb': '{}',
      'server.PEM': 'x',
      ID_RSA: 'x',
      '.ENV': 'A=1',
      'KEY.JSON': SA_KEY,
      'conf/gcp-prod.json': SA_KEY,
      'conf/oauth.json': '{"installed": {"client_id": "1", "client_secret": "GOCSPX-abc"}}',
      'kaggle.json': '{"username": "u", "key": "0123456789abcdef"}',
      '.git-credentials': 'https://u:t@github.com',
      'cert.p12': 'x',
      'CERT.PFX': 'x',
      '.npmrc': '//registry.npmjs.org/:_authToken=npm_abcdef\n',
      'conf/.pypirc': '[pypi]\nusername = __token__\npassword = pypi-AgEI\n',
      pasted: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n',
      // Kept: a .npmrc without a token, ordinary JSON, a public key's neighbour file names.
      'sub/.npmrc': 'registry=https://registry.npmjs.org/\n',
      'data.json': '{"type": "service_account_count", "rows": 3}',
      'keyboard.py': 'x',
      notes: 'just notes',
    };
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    // Tracked files are left out too (the tracked .ENV), whatever git's index says.
    git(dir, 'add', '.ENV', 'nb.ipynb');
    git(dir, 'commit', '-q', '-m', 'i');
    const plan = planSnapshot({
      inspection: await inspectSnapshot(dir),
      rules: { include: [], exclude: [], max_file_mb: 50, max_total_mb: 200 },
      always: [],
      remoteUrl: '/srv/code.git',
    });
    assert.deepEqual(
      plan.excluded.map((e) => `${e.path}:${e.reason}`),
      [
        '.ENV',
        '.git-credentials',
        '.npmrc',
        'CERT.PFX',
        'ID_RSA',
        'KEY.JSON',
        'cert.p12',
        'conf/.pypirc',
        'conf/gcp-prod.json',
        'conf/oauth.json',
        'kaggle.json',
        'pasted',
        'server.PEM',
      ].map((p) => `${p}:secret`),
    );
    assert.deepEqual(plan.files, ['data.json', 'keyboard.py', 'nb.ipynb', 'notes', 'sub/.npmrc']);
  });
});
