// The MYMLOPS_HOME layout (src/util/home-layout.ts): each place for a sample home, the README's
// table, and a home written before the table existed read the same through the stores.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import { findDevMachine } from '../../../src/adapters/backends/local/devvm.js';
import { knownCommitIds, knownDevNames } from '../../../src/adapters/store/known-ids.js';
import { listGroups } from '../../../src/adapters/store/groups.js';
import { listLaunches, readLaunch, readResult, retryClaims } from '../../../src/adapters/store/jobs.js';
import { estimateFor } from '../../../src/app/commit/run-estimate.js';
import { HOME, HOME_LAYOUT, placeArgs } from '../../../src/util/home-layout.js';
import { packagePath } from '../../../src/util/package-root.js';

const H = '/home/ada/.mymlops';
const ID = '20240101_000000';

// Every place, as the home has been laid out since before the table (homes in use keep working).
const PLACES: [keyof typeof HOME, string[], string][] = [
  ['jobs', [], 'jobs'],
  ['job', [ID], `jobs/${ID}`],
  ['launchRecord', [ID], `jobs/${ID}/launch.json`],
  ['jobConfig', [ID], `jobs/${ID}/job.json`],
  ['jobResult', [ID], `jobs/${ID}/result.json`],
  ['jobLog', [ID], `jobs/${ID}/job.log`],
  ['jobRepo', [ID], `jobs/${ID}/work/repo`],
  ['jobOutcome', [ID], `jobs/${ID}/outcome.json`],
  ['retryClaim', [ID, 'mymlops-m-a2'], `jobs/${ID}/retried-mymlops-m-a2.json`],
  ['dev', [], 'dev'],
  ['devMachine', ['box'], 'dev/box'],
  ['devRecord', ['box'], 'dev/box/machine.json'],
  ['devRepo', ['box'], 'dev/box/repo'],
  ['devLog', ['box'], 'dev/box/job.log'],
  ['devDeletedLog', [], 'dev/deleted.log'],
  ['groups', [], 'groups'],
  ['group', ['g1'], 'groups/g1.json'],
  ['groupLock', ['g1'], 'groups/g1.lock'],
  ['groupLog', ['g1'], 'groups/g1.log'],
  ['groupPid', ['g1'], 'groups/g1.pid'],
  ['repos', [], 'repos'],
  ['bareRepo', ['proj'], 'repos/proj.git'],
  ['tmp', [], 'tmp'],
  ['outputRepoCache', ['0123abcd'], 'cache/output-repo/0123abcd'],
  ['outputRepoIds', ['0123abcd'], 'cache/output-repo/0123abcd/commit-ids'],
  ['homeIds', [], 'cache/commit-ids'],
  ['codeRepoMirror', ['0123abcd'], 'cache/code-repo/0123abcd.git'],
  ['artifacts', [], 'cache/artifacts'],
  ['guestAttributes', [], 'cache/guest-attributes'],
  ['note', ['progress'], 'cache/notes/progress'],
  ['tunnels', [], 'cache/tunnels.json'],
  ['gcePrices', [], 'cache/gce-prices.json'],
  ['gcloudToken', [], 'cache/gcloud-token.json'],
  ['codeCache', ['status'], 'cache/code/status.v8'],
  ['privateStamp', ['1.2.3'], '.private-1.2.3'],
];

describe('each place of the home', () => {
  for (const [name, args, rel] of PLACES)
    it(`${name} → ${rel}`, () => {
      assert.equal((HOME[name] as (h: string, ...a: string[]) => string)(H, ...args), `${H}/${rel}`);
      // Read back: the names a listing of the home finds in that place.
      assert.deepEqual(placeArgs(HOME[name], H, `${H}/${rel}`), args);
    });
  it('the table above names every place', () =>
    assert.deepEqual(PLACES.map(([n]) => n).sort(), Object.keys(HOME).sort()));
});

test('bin/mymlops.cjs, which runs before any module can be loaded, puts its code cache there too', () => {
  const bin = readFileSync(packagePath('bin/mymlops.cjs'), 'utf8');
  assert.match(bin, /join\(home, 'cache', 'code', `\$\{command\}\.v8`\)/);
  assert.equal(HOME.codeCache.template, 'cache/code/<command>.v8');
});

const SECTION = '## MYMLOPS_HOME layout';

function rendered(): string {
  const rows = HOME_LAYOUT.map((p) => `| \`${p.template}\` | ${p.what.replace(/\|/g, '\\|')} |`);
  return ['| Path under `MYMLOPS_HOME` | What |', '| --- | --- |', ...rows].join('\n');
}

test('the README lists the layout as the table says', () => {
  const text = readFileSync(packagePath('README.md'), 'utf8');
  const start = text.indexOf(`\n${SECTION}\n`);
  assert.ok(start >= 0, `README.md has no "${SECTION}" section`);
  const body = text.slice(start + SECTION.length + 2);
  const end = body.search(/\n## /);
  const section = end < 0 ? body : body.slice(0, end);
  assert.ok(section.includes(rendered()), `the README's table differs; it should read:\n${rendered()}`);
});

describe('a home written before the table is read the same', () => {
  const home = mkdtempSync(join(tmpdir(), 'mymlops-old-home-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const write = (rel: string, value: unknown) => {
    const file = join(home, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  };
  const record = (commit: string) => ({
    commit,
    backend: 'local',
    machine: `mymlops-${commit}`,
    zone: null,
    notebook: 'nb.ipynb',
    repository: { url: '/srv/code.git', branch: 'main' },
    output_repository: { url: '/srv/out.git', branch: 'master' },
    created_at: '2024-01-01T00:00:01Z',
  });
  const OLD = '20231231_235959';
  // As the stores wrote them with their own joins.
  write(`jobs/${ID}/launch.json`, record(ID));
  write(`jobs/${ID}/result.json`, { status: 'succeeded', duration_seconds: 240 });
  write(`jobs/${ID}/retried-mymlops-m-a2.json`, { machine: 'mymlops-m-a2' });
  write(`jobs/${OLD}/launch.json`, record(OLD));
  write(`jobs/${OLD}/outcome.json`, { status: 'succeeded', duration_seconds: 60 });
  write('cache/commit-ids', '20230101_000000\n');
  write('dev/box/machine.json', { name: 'box', backend: 'local', zone: null, created_at: 'x' });
  write('groups/g1.json', { group: 'g1', config_file: '/p/mymlops.yml', runs: [] });

  it('launch records, results, retry claims', () => {
    assert.equal(readLaunch(ID, home)?.machine, `mymlops-${ID}`);
    assert.deepEqual(
      listLaunches(home).map((r) => r.commit),
      [ID, OLD],
    );
    assert.deepEqual(readResult(ID, home), { status: 'succeeded', duration_seconds: 240 });
    assert.deepEqual(retryClaims(ID, home), ['mymlops-m-a2']);
    assert.equal(estimateFor(home, 'nb.ipynb', 'none'), 240);
    assert.equal(estimateFor(home, 'nb.ipynb', ID), 60);
  });
  it('known ids and dev machines (Tab completion)', () => {
    assert.deepEqual(knownCommitIds(home), [ID, OLD, '20230101_000000']);
    assert.deepEqual(knownDevNames(home), ['box']);
    assert.equal(findDevMachine(home, 'box')?.backend, 'local');
  });
  it('sweep groups', () =>
    assert.deepEqual(
      listGroups(home).map((g) => g.group),
      ['g1'],
    ));
});
