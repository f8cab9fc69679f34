// `mymlops commit --dry-run` on the gce backend shows the instances.insert request it would send,
// without any network call and without the deploy key's contents.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { bareRepo, snapshotRefs, userRepo } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-dry-gce-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('mymlops commit --dry-run (gce)', () => {
  it('prints the insert request with key and credential placeholders and creates nothing', () => {
    const origin = bareRepo(join(tmp, 'origin.git'));
    const repo = join(tmp, 'repo');
    userRepo(repo);
    const key = join(tmp, 'deploy_key');
    const SECRET = 'PRIVATE-KEY-MATERIAL-2718';
    const TOKEN = 'ghp_DryRunT0ken314';
    writeFileSync(
      key,
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}\n-----END OPENSSH PRIVATE KEY-----\n`,
      {
        mode: 0o600,
      },
    );
    writeFileSync(
      join(repo, 'mymlops.yml'),
      `backend: gce
gcp: { project: dry-run-project }
commit:
  command: "true"
  instance: { zone_regex: us-.*, machine_type: n1-standard-8, snapshot: base, accelerator: nvidia-tesla-t4 }
  repository: { url: ${JSON.stringify(origin)}, deploy_key: ${JSON.stringify(key)} }
  output_repository: { url: "https://alice:${TOKEN}@127.0.0.1:9/out.git" }
`,
    );
    const home = join(tmp, 'home');
    // No simulator, no credentials: a dry run must not need the network.
    const env = {
      MYMLOPS_HOME: home,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: 'http://127.0.0.1:9/compute/v1/',
    };
    const r = runCli(['commit', 'notebooks/quick.ipynb', '--dry-run', '--json'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as { request: { path: string; body: Record<string, unknown> } };
    assert.equal(d.request.path, 'projects/dry-run-project/zones/<zone chosen at launch>/instances');
    const body = d.request.body as {
      scheduling: { provisioningModel: string; onHostMaintenance: string };
      guestAccelerators: { acceleratorType: string }[];
      labels: Record<string, string>;
      metadata: { items: { key: string; value: string }[] };
    };
    assert.equal(body.scheduling.provisioningModel, 'SPOT');
    assert.equal(body.scheduling.onHostMaintenance, 'TERMINATE');
    assert.match(body.guestAccelerators[0]!.acceleratorType, /acceleratorTypes\/nvidia-tesla-t4$/);
    assert.equal(body.labels['mymlops'], 'commit');
    const keyItem = body.metadata.items.find((i) => i.key === 'mymlops-key-repository');
    assert.equal(keyItem?.value, `<contents of ${key}>`);
    assert.ok(!r.stdout.includes(SECRET), 'the deploy key never appears in the dry run');
    // The URL's credentials: a placeholder item, and job.json names the URL without them.
    const credItem = body.metadata.items.find((i) => i.key === 'mymlops-key-output-cred');
    assert.equal(credItem?.value, '<credentials from the output URL>');
    const jobJson = JSON.parse(body.metadata.items.find((i) => i.key === 'mymlops-job-json')!.value);
    assert.equal(jobJson.output_repository.url, 'https://127.0.0.1:9/out.git');
    assert.ok(!r.stdout.includes(TOKEN));
    assert.deepEqual(snapshotRefs(origin), [], 'no snapshot ref pushed');
    let jobs: string[] = [];
    try {
      jobs = readdirSync(join(home, 'jobs'));
    } catch {}
    assert.deepEqual(jobs, [], 'no job recorded');

    const text = runCli(['commit', 'notebooks/quick.ipynb', '--dry-run'], { cwd: repo, env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^machine request$/m);
    assert.ok(!text.stdout.includes(SECRET));
  });
});
