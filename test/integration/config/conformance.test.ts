// Config meaning equals the original tool's. Every case of the catalogue is read by the original's
// own libraries (python-dotenv, string.Template, PyYAML: test/fixtures/config-conformance/
// original_reader.py, one Python process for the whole batch) and by mymlops' loader:
// - wherever the original could read a file, mymlops reads the same values or refuses it with a
//   message naming the cause;
// - wherever the original's schema accepted the file too, mymlops loads it with those values,
//   unless it refuses on purpose: then the message is one of the deliberate differences, each
//   listed in the README.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { ConfigError, loadConfigReport } from '../../../src/config/load.js';
import { dotenvValues } from '../../../src/config/dotenv.js';
import { readConfigData } from '../../../src/config/read.js';
import type { Config, Repository } from '../../../src/config/types.js';
import { safeRegExp } from '../../../src/util/regex.js';
import { CATALOGUE, OUTER_ENV } from './catalogue.js';

const root = resolve(import.meta.dirname, '../../..');
const fixtures = join(root, 'test/fixtures/config-conformance');
const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], LANG: 'C.UTF-8', ...OUTER_ENV };
const originalSchema = new Ajv({ strict: false }).compile(
  JSON.parse(readFileSync(join(fixtures, 'original.schema.json'), 'utf8')),
);

/** mymlops refuses these on purpose; each message says why and the README lists each. */
const DELIBERATE: { problem: RegExp; readme: string }[] = [
  {
    problem: /reads differently once a value from \S+ is pasted into the text/,
    readme: 'reads differently once pasted',
  },
  { problem: /has no value in \S+ \(a line without `=`/, readme: 'whose `.env` line has no `=`' },
  { problem: /(?:local_port_min|remote_ports\.\d+) must be [≥≤] /, readme: 'outside 1–65535' },
  { problem: /zone_regex cannot be used: .* no JavaScript equivalent/, readme: 'no JavaScript equivalent' },
  {
    problem: /zone_regex cannot be used: it is not a valid regular expression/,
    readme: 'not a valid regular expression',
  },
  { problem: /url must be a git URL/, readme: 'not a git URL' },
  { problem: /(?:snapshot|command|deploy_key|branch) must not be empty/, readme: 'empty `command`' },
  { problem: /the YAML tag !!(?:omap|pairs) is not supported/, readme: '`!!omap` and `!!pairs`' },
];

type Oracle = { dotenv: Record<string, string | null> } & (
  | { data: unknown; zones: string[] | null }
  | { error: string }
);
/** The zones original_reader.py tries commit.instance.zone_regex on. */
const ZONES = [
  'us-central1-a',
  'us-east1-b',
  'useast1-a',
  'europe-west4-a',
  'asia-northeast1-c',
  'US-WEST1-A',
  'a',
  'b',
];

/** mymlops' value in the oracle's JSON form (values JSON cannot hold are tagged alike). */
function encode(v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $float: 'nan' };
    if (!Number.isFinite(v)) return { $float: v > 0 ? 'inf' : '-inf' };
    return Object.is(v, -0) ? 0 : v;
  }
  if (v instanceof Date) return { $date: v.getTime() };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  if (v instanceof Set) return { $set: [...v].map(encode).sort() };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-conformance-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const folders = CATALOGUE.map((c, i) => {
  const dir = join(tmp, String(i));
  mkdirSync(dir);
  writeFileSync(join(dir, 'mymlops.yml'), c.yml);
  if (c.env !== '') writeFileSync(join(dir, '.env'), c.env);
  return dir;
});
let oracle: Oracle[] = [];
before(() => {
  const r = spawnSync('/usr/bin/python3', [join(fixtures, 'original_reader.py')], {
    input: `${folders.join('\n')}\n`,
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  oracle = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Oracle);
  assert.equal(oracle.length, folders.length);
});

function deliberate(e: unknown): string[] {
  assert.ok(e instanceof ConfigError, `not a config error: ${String(e)}`);
  const unexplained = e.problems.filter((p) => !DELIBERATE.some((d) => d.problem.test(p)));
  assert.deepEqual(unexplained, [], 'refused for a reason that is not a documented deliberate difference');
  return e.problems;
}

/** A config the original schema accepted (test/fixtures/config-conformance/original.schema.json). */
interface OriginalRepo {
  url: string;
  deploy_key: string;
  branch?: string;
}
interface OriginalSection {
  command: string;
  instance: { machine_type: string; snapshot: string; accelerator?: string };
  repository: OriginalRepo;
  output_repository?: OriginalRepo;
}
interface OriginalFile {
  commit?: OriginalSection;
  start?: OriginalSection;
  dashboard?: { links?: Record<string, string>; tunnel?: { local_port_min: number; remote_ports: number[] } };
}

/** The normalised config holds the original's values for the original's keys. */
function sameMeaning(c: Config, d: OriginalFile, dir: string): void {
  const repo = (mine: Repository, theirs: OriginalRepo) => {
    assert.equal(mine.url, theirs.url);
    assert.equal(mine.branch, theirs.branch ?? 'master');
    assert.equal(mine.deploy_key, resolve(dir, theirs.deploy_key));
  };
  for (const s of ['commit', 'start'] as const) {
    const theirs = d[s];
    if (!theirs) continue;
    const mine = c[s]!;
    assert.equal(mine.command, theirs.command);
    assert.equal(mine.instance?.machine_type, theirs.instance.machine_type);
    assert.equal(mine.instance?.snapshot, theirs.instance.snapshot);
    assert.equal(mine.instance?.accelerator, theirs.instance.accelerator ?? null);
    repo(mine.repository, theirs.repository);
  }
  if (d.commit?.output_repository) repo(c.commit!.output_repository, d.commit.output_repository);
  assert.deepEqual(c.dashboard.links, d.dashboard?.links ?? {});
  const t = d.dashboard?.tunnel;
  if (t) {
    assert.equal(c.dashboard.tunnel?.local_port_min, t.local_port_min);
    assert.deepEqual(c.dashboard.tunnel?.remote_ports, [...new Set(t.remote_ports)]);
  }
}

describe('config: mymlops reads every config as the original did (python-dotenv, string.Template, PyYAML)', () => {
  const tally = { cases: 0, readByOriginal: 0, acceptedByOriginal: 0, loadedAlike: 0, refusedOnPurpose: 0 };

  CATALOGUE.forEach((c, i) => {
    it(c.name, (t) => {
      tally.cases++;
      const o = oracle[i]!;
      const dir = folders[i]!;
      const file = join(dir, 'mymlops.yml');
      // .env alone: python-dotenv's values, names without `=` (null) and skipped lines included.
      // A byte order mark is the one deliberate difference: python-dotenv kept it as part of the first
      // name (or, before a comment, as a name of its own).
      const pyDotenv = Object.fromEntries(
        Object.entries(o.dotenv)
          .filter(([k]) => k !== '\ufeff')
          .map(([k, v]) => [k.replace(/^\ufeff/, ''), v]),
      );
      assert.deepEqual(
        { ...dotenvValues(c.env, env).values },
        pyDotenv,
        '.env values differ from python-dotenv',
      );
      if (!('data' in o)) {
        t.diagnostic(`the original stopped: ${o.error}`);
        return; // mymlops may do better
      }
      tally.readByOriginal++;
      let read: ReturnType<typeof readConfigData> | null = null;
      try {
        read = readConfigData(file, { cwd: dir, env });
      } catch (e) {
        deliberate(e);
      }
      if (read) assert.deepEqual(encode(read.data), o.data, 'mymlops read other values than the original');
      if (!originalSchema(o.data)) {
        t.diagnostic('the original schema refused it');
        return;
      }
      tally.acceptedByOriginal++;
      let config: Config;
      try {
        config = loadConfigReport(file, { cwd: dir, env }).config;
      } catch (e) {
        t.diagnostic(`refused on purpose: ${deliberate(e).join(' | ')}`);
        tally.refusedOnPurpose++;
        return;
      }
      sameMeaning(config, o.data as OriginalFile, dir);
      if (o.zones && config.commit?.instance) {
        const re = safeRegExp(config.commit.instance.zone_regex);
        assert.deepEqual(
          ZONES.filter((z) => re?.test(z)),
          o.zones,
          'zone_regex picks the zones Python picked',
        );
      }
      tally.loadedAlike++;
    });
  });

  it('covers at least 150 cases, most of them files the original accepted', (t) => {
    t.diagnostic(JSON.stringify(tally));
    assert.ok(tally.cases >= 150, JSON.stringify(tally));
    assert.ok(tally.acceptedByOriginal >= 100, JSON.stringify(tally));
    assert.ok(tally.loadedAlike >= 90, JSON.stringify(tally));
  });

  it('lists every deliberate difference in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme
      .slice(readme.indexOf('**Deliberate differences from the original**'))
      .replace(/\s+/g, ' ');
    assert.ok(section.length < readme.length, 'README has a "Deliberate differences from the original" list');
    for (const d of DELIBERATE) assert.ok(section.includes(d.readme), `README lists: ${d.readme}`);
  });
});
