// `mymlops doctor`'s checks against the Compute Engine simulator, real git and a real sshd: each
// failing condition (API disabled, GPU quota 0 in the regions or GPUS_ALL_REGIONS, a missing
// snapshot, an unknown service account, a read-only output deploy key) fails its own check with its
// fix; gcloud, as a second client, reads the same quotas and API answer from the simulator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runDoctor } from '../../../src/app/doctor/doctor.js';
import { loadConfigFile } from '../../../src/config/load.js';
import { canCommit, type CheckResult } from '../../../src/core/doctor/checks.js';
import { runAsync } from '../../helpers/cli.js';
import { hasGcloud, type SimEnv, simConfigYaml, startSim } from '../../helpers/gce-sim.js';
import { bareRepo, FAKE_COMMAND, userRepo } from '../../helpers/git-repo.js';
import { addClientKey, type Sshd, startSshd } from '../../helpers/sshd.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-doctor-'));
const repo = join(tmp, 'repo');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
let s: SimEnv;
let sshd: Sshd;
let env: NodeJS.ProcessEnv;

before(async () => {
  s = await startSim(tmp);
  sshd = await startSshd();
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  env = {
    ...process.env,
    ...s.gcloudEnv,
    MYMLOPS_SSH_OPTIONS: `-o UserKnownHostsFile=${join(sshd.dir, 'known_hosts')} -o LogLevel=ERROR`,
  };
});
after(async () => {
  await s?.close();
  await sshd?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function doctor(
  o: {
    gcp?: string;
    outUrl?: string;
    outKey?: string;
    snapshot?: string;
    codeUrl?: string;
    codeKey?: string;
  } = {},
): Promise<CheckResult[]> {
  const file = join(repo, 'mymlops.yml');
  const outUrl = o.outUrl ?? out;
  const codeUrl = o.codeUrl ?? origin;
  let yaml = simConfigYaml({
    command: FAKE_COMMAND,
    origin: codeUrl,
    out: outUrl,
    accelerator: 'nvidia-tesla-t4',
  });
  if (o.codeKey)
    yaml = yaml.replace(
      `url: ${JSON.stringify(codeUrl)}`,
      `url: ${JSON.stringify(codeUrl)}\n    deploy_key: ${o.codeKey}`,
    );
  if (o.outKey)
    yaml = yaml.replace(
      `url: ${JSON.stringify(outUrl)}`,
      `url: ${JSON.stringify(outUrl)}\n    deploy_key: ${o.outKey}`,
    );
  if (o.snapshot) yaml = yaml.replace('snapshot: mymlops-base', `snapshot: ${o.snapshot}`);
  writeFileSync(file, `${o.gcp ?? ''}${yaml}`);
  return runDoctor(loadConfigFile(file), env);
}
const check = (rs: CheckResult[], id: string) => rs.find((r) => r.id === id)!;

async function gcloud(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runAsync('gcloud', ['compute', ...args, '--format=json'], { env, timeoutMs: 90_000 });
}

/** Whether the simulator serves the snapshot (it may not know snapshots at all): gcloud decides. */
async function snapshotExists(name: string): Promise<boolean> {
  return (await gcloud('snapshots', 'describe', name)).code === 0;
}

describe('doctor on the simulator', () => {
  it('passes every Compute Engine and git check of a ready project', async () => {
    const rs = await doctor();
    for (const id of [
      'credentials',
      'api',
      'offer',
      'quota',
      'service-account',
      'code-repo',
      'output-repo',
      'prices',
    ])
      assert.equal(check(rs, id).state, 'ok', JSON.stringify(check(rs, id)));
    assert.match(check(rs, 'offer').detail, /us-central1-a/);
    assert.match(check(rs, 'quota').detail, /1 × nvidia-tesla-t4 fit in/);
    const exists = hasGcloud ? await snapshotExists('mymlops-base') : false;
    assert.equal(check(rs, 'boot-disk').state, exists ? 'ok' : 'fail');
    assert.equal(canCommit(rs), exists);
  });

  it('API disabled: Google’s 403 accessNotConfigured, the enable command, the rest skipped', async () => {
    await s.quotas({ computeApiEnabled: false });
    try {
      const rs = await doctor();
      const api = check(rs, 'api');
      assert.equal(api.state, 'fail');
      assert.match(api.detail, /Compute Engine API is not enabled in project mymlops-test/);
      assert.match(api.fix ?? '', /gcloud services enable compute\.googleapis\.com --project mymlops-test/);
      assert.equal(check(rs, 'quota').state, 'skipped');
      assert.equal(canCommit(rs), false);
      if (hasGcloud) {
        const g = await gcloud('regions', 'describe', 'us-central1');
        assert.notEqual(g.code, 0);
        assert.match(
          g.stderr,
          /Compute Engine API has not been used in project \d+ before or it is disabled/,
        );
      }
    } finally {
      await s.quotas({ computeApiEnabled: true });
    }
  });

  it('GPU quota 0 in every matching region names the metrics and the quota page', async () => {
    const zero = { NVIDIA_T4_GPUS: 0, PREEMPTIBLE_NVIDIA_T4_GPUS: 0 };
    await s.quotas({ regions: { 'us-central1': zero, 'us-east1': zero, 'us-west1': zero } });
    try {
      const q = check(await doctor(), 'quota');
      assert.equal(q.state, 'fail');
      assert.match(
        q.detail,
        /PREEMPTIBLE_NVIDIA_T4_GPUS or NVIDIA_T4_GPUS quota for 1 GPU\(s\) in us-central1 \(0\)/,
      );
      assert.match(
        q.fix ?? '',
        /https:\/\/console\.cloud\.google\.com\/iam-admin\/quotas\?project=mymlops-test/,
      );
      if (hasGcloud) {
        const r = JSON.parse((await gcloud('regions', 'describe', 'us-central1')).stdout) as {
          quotas: { metric: string; limit: number }[];
        };
        assert.equal(r.quotas.find((x) => x.metric === 'PREEMPTIBLE_NVIDIA_T4_GPUS')?.limit, 0);
      }
    } finally {
      const back = { NVIDIA_T4_GPUS: 64, PREEMPTIBLE_NVIDIA_T4_GPUS: 64 };
      await s.quotas({ regions: { 'us-central1': back, 'us-east1': back, 'us-west1': back } });
    }
  });

  it('GPUS_ALL_REGIONS 0 (a new project) fails the quota check, and an insert is refused', async () => {
    await s.quotas({ project: { GPUS_ALL_REGIONS: 0 } });
    try {
      const q = check(await doctor(), 'quota');
      assert.equal(q.state, 'fail');
      assert.match(q.detail, /GPUS_ALL_REGIONS allows 0 more GPU\(s\), a commit needs 1/);
      if (hasGcloud) {
        const p = JSON.parse((await gcloud('project-info', 'describe')).stdout) as {
          quotas: { metric: string; limit: number }[];
        };
        assert.equal(p.quotas.find((x) => x.metric === 'GPUS_ALL_REGIONS')?.limit, 0);
        const c = await gcloud(
          'instances',
          'create',
          'quota-probe',
          '--zone=us-central1-a',
          '--machine-type=n1-standard-4',
          '--accelerator=type=nvidia-tesla-t4,count=1',
          '--maintenance-policy=TERMINATE',
          '--create-disk=auto-delete=yes,boot=yes,size=10GB,source-snapshot=mymlops-base',
        );
        assert.notEqual(c.code, 0);
        assert.match(c.stderr, /Quota 'GPUS_ALL_REGIONS' exceeded/);
      }
    } finally {
      await s.quotas({ project: { GPUS_ALL_REGIONS: 64 } });
    }
  });

  it('running VMs consume the quota: usage in projects.get, the next insert refused', {
    skip: !hasGcloud && 'gcloud is not installed',
  }, async () => {
    await s.quotas({ project: { GPUS_ALL_REGIONS: 1 } });
    const create = (name: string) =>
      gcloud(
        'instances',
        'create',
        name,
        '--zone=us-central1-a',
        '--machine-type=n1-standard-4',
        '--accelerator=type=nvidia-tesla-t4,count=1',
        '--maintenance-policy=TERMINATE',
        '--create-disk=auto-delete=yes,boot=yes,size=10GB,source-snapshot=mymlops-base',
      );
    try {
      const first = await create('usage-one');
      assert.equal(first.code, 0, first.stderr);
      const p = JSON.parse((await gcloud('project-info', 'describe')).stdout) as {
        quotas: { metric: string; limit: number; usage: number }[];
      };
      assert.deepEqual(
        p.quotas.find((x) => x.metric === 'GPUS_ALL_REGIONS'),
        { metric: 'GPUS_ALL_REGIONS', limit: 1, usage: 1 },
      );
      const q = check(await doctor(), 'quota');
      assert.equal(q.state, 'fail');
      assert.match(q.detail, /GPUS_ALL_REGIONS allows 0 more/);
      const second = await create('usage-two');
      assert.notEqual(second.code, 0);
      assert.match(second.stderr, /Quota 'GPUS_ALL_REGIONS' exceeded. {2}Limit: 1.0 globally/);
    } finally {
      await gcloud('instances', 'delete', 'usage-one', '--zone=us-central1-a', '--quiet');
      await s.quotas({ project: { GPUS_ALL_REGIONS: 64 } });
    }
  });

  it('a missing snapshot is named with its fix', async () => {
    const b = check(await doctor({ snapshot: 'no-such-snapshot' }), 'boot-disk');
    assert.equal(b.state, 'fail');
    assert.match(b.detail, /snapshot no-such-snapshot does not exist in project mymlops-test/);
    assert.match(b.fix ?? '', /instance\.snapshot/);
  });

  it('an unknown service account, and one you may not act as', async () => {
    const unknown = check(
      await doctor({ gcp: 'gcp:\n  service_account: nobody@mymlops-test.iam.gserviceaccount.com\n' }),
      'service-account',
    );
    assert.equal(unknown.state, 'fail');
    assert.match(unknown.detail, /nobody@mymlops-test\.iam\.gserviceaccount\.com does not exist/);
    assert.match(unknown.fix ?? '', /gcloud iam service-accounts list/);
    const email = 'runner@mymlops-test.iam.gserviceaccount.com';
    await fetch(`${s.sim.url}/_sim/service-accounts`, {
      method: 'POST',
      body: JSON.stringify({ email, actAs: false }),
    });
    const denied = check(await doctor({ gcp: `gcp:\n  service_account: ${email}\n` }), 'service-account');
    assert.equal(denied.state, 'fail');
    assert.match(denied.detail, /you may not act as runner@/);
    assert.match(denied.fix ?? '', /roles\/iam\.serviceAccountUser/);
  });

  it('an output deploy key without write access fails the output check; a writable one passes', async () => {
    const url = `ssh://root@127.0.0.1:${sshd.port}${out}`;
    const ro = check(
      await doctor({ outUrl: url, outKey: addClientKey(sshd, 'out_read_only', { readOnly: true }) }),
      'output-repo',
    );
    assert.equal(ro.state, 'fail');
    assert.match(ro.detail, /not writable with its deploy key: .*marked as read only/);
    assert.match(ro.fix ?? '', /write access/);
    const rw = check(
      await doctor({ outUrl: url, outKey: addClientKey(sshd, 'out_writable') }),
      'output-repo',
    );
    assert.equal(rw.state, 'ok', JSON.stringify(rw));
  });

  it('the code repository: read with its deploy key, pushed to with your own credentials', async () => {
    const url = `ssh://root@127.0.0.1:${sshd.port}${origin}`;
    const deployKey = addClientKey(sshd, 'code_read_only', { readOnly: true });
    const own = addClientKey(sshd, 'own_key');
    const saved = process.env['GIT_SSH_COMMAND'];
    try {
      // Your own ssh offers a key the server does not know: reading works (the deploy key), pushing not.
      process.env['GIT_SSH_COMMAND'] = `ssh -i ${join(tmp, 'no-such-key')} -o IdentitiesOnly=yes`;
      const denied = check(await doctor({ codeUrl: url, codeKey: deployKey }), 'code-repo');
      assert.equal(denied.state, 'fail');
      assert.match(
        denied.detail,
        /^readable with its deploy key, but your own git credentials cannot push to it/,
      );
      process.env['GIT_SSH_COMMAND'] = `ssh -i ${own} -o IdentitiesOnly=yes`;
      const ok = check(await doctor({ codeUrl: url, codeKey: deployKey }), 'code-repo');
      assert.equal(ok.state, 'ok', JSON.stringify(ok));
      assert.match(ok.detail, /readable with its deploy key, writable with your git credentials/);
    } finally {
      if (saved === undefined) delete process.env['GIT_SSH_COMMAND'];
      else process.env['GIT_SSH_COMMAND'] = saved;
    }
  });
});
