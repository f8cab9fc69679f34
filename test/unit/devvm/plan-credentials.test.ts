// A token in start.repository.url: the dev plan carries the stripped URL everywhere and the token
// only in `credentials`, which travel as keys/repository.cred (local) or mymlops-key-repository-cred
// (GCE instance metadata, scrubbed by the startup script).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyContents, metadataItems } from '../../../src/adapters/backends/gce/instance-body.js';
import type { Config } from '../../../src/config/types.js';
import { planStart } from '../../../src/core/devvm/plan.js';
import { previewStartPlan } from '../../../src/core/devvm/start.js';
import { GCE_INSTANCE, testConfig } from '../../helpers/plans.js';
import { readStartScript } from '../../../src/adapters/assets.js';

const TOKEN = 'ghp_PlanT0ken';

function config(url: string): Config {
  return {
    ...testConfig('gce'),
    start: {
      command: 'jupyter lab',
      repository: { url, branch: 'main', deploy_key: undefined },
      instance: GCE_INSTANCE,
      idle_shutdown: {
        timeout: 0,
        delete_after: null,
        interval: 60,
        cpu_threshold: 10,
        gpu_threshold: 10,
        action: 'stop',
        jupyter_port: null,
        count_ssh_sessions: 'all',
      },
    },
  };
}

test('planStart splits the credentials off an https URL', () => {
  const plan = planStart({
    config: config(`https://alice:${TOKEN}@git.example.com/r.git`),
    name: 'dev-a',
    jobScript: readStartScript(),
  });
  assert.equal(plan.jobConfig.repository.url, 'https://git.example.com/r.git');
  assert.equal(plan.metadata['repository'], 'https://git.example.com/r.git');
  assert.deepEqual(plan.credentials, { repository: { username: 'alice', password: TOKEN } });
  assert.ok(!JSON.stringify({ ...plan, credentials: null }).includes(TOKEN));
  const shown = previewStartPlan(plan);
  assert.ok(!JSON.stringify(shown).includes(TOKEN), 'what --dry-run prints');
  assert.equal(shown.credentials.repository?.password, '<from the start.repository URL>');
});

for (const url of ['git@github.com:o/r.git', 'https://git.example.com/r.git', '/srv/r.git'])
  test(`planStart leaves ${url} as it is, with no credentials`, () => {
    const plan = planStart({ config: config(url), name: 'dev-a', jobScript: readStartScript() });
    assert.equal(plan.jobConfig.repository.url, url);
    assert.deepEqual(plan.credentials, {});
    assert.deepEqual(previewStartPlan(plan), plan);
  });

test('a GCE dev VM carries them as the mymlops-key-repository-cred item only', () => {
  const plan = planStart({
    config: config(`https://alice:${TOKEN}@git.example.com/r.git`),
    name: 'dev-a',
    jobScript: readStartScript(),
  });
  const keys = keyContents(plan, () => 'unused');
  assert.deepEqual(keys, { 'repository.cred': `username=alice\npassword=${TOKEN}\n` });
  const gcp = { project: 'p', network: null, subnetwork: null, service_account: 'default' };
  const items = metadataItems({ plan, project: 'p', zone: 'us-east1-b', gcp, keys });
  assert.deepEqual(
    items.filter((i) => i.value.includes(TOKEN)).map((i) => i.key),
    ['mymlops-key-repository-cred'],
  );
  const preview = keyContents(plan, null);
  assert.deepEqual(preview, { 'repository.cred': '<credentials from the repository URL>' });
});
