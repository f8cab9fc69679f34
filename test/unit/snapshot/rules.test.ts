// The snapshot rules as data: what is left out and why, the size guard, the warnings, URL credentials.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globMatcher } from '../../../src/core/snapshot/glob.js';
import {
  excludedLine,
  isGithubUrl,
  type PlanSnapshotInput,
  planSnapshot,
  type SnapshotEntry,
} from '../../../src/core/snapshot/rules.js';
import { readsContent, secretByContent, secretByName } from '../../../src/core/snapshot/secrets.js';
import { splitUrlCredentials, stripUrlCredentials } from '../../../src/util/url.js';

const MB = 1024 * 1024;
const file = (path: string, o: Partial<SnapshotEntry> = {}): SnapshotEntry => ({
  path,
  tracked: true,
  kind: 'file',
  bytes: 10,
  ...o,
});
const input = (entries: SnapshotEntry[], o: Partial<PlanSnapshotInput> = {}): PlanSnapshotInput => ({
  inspection: { entries, dirtySubmodules: [] },
  rules: { include: [], exclude: [], max_file_mb: 50, max_total_mb: 200 },
  always: [],
  remoteUrl: '/srv/code.git',
  ...o,
});

describe('globMatcher', () => {
  const cases: [string, string, boolean][] = [
    ['*.pem', 'certs/a.pem', true],
    ['*.pem', 'a.pem.txt', false],
    ['data/', 'data/x/y.bin', true],
    ['data/', 'src/data', false],
    ['data', 'src/data/x', true],
    ['/secret.txt', 'secret.txt', true],
    ['/secret.txt', 'sub/secret.txt', false],
    ['conf/*.yml', 'conf/a.yml', true],
    ['conf/*.yml', 'conf/sub/a.yml', false],
    ['conf/**/*.yml', 'conf/sub/deep/a.yml', true],
    ['conf/**/*.yml', 'conf/a.yml', true],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false],
    ['(x).txt', '(x).txt', true],
  ];
  for (const [pattern, path, want] of cases)
    it(`${pattern} ${want ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(globMatcher([pattern])(path), want);
    });
});

describe('planSnapshot: what is left out', () => {
  const cases: {
    name: string;
    entries: SnapshotEntry[];
    o?: Partial<PlanSnapshotInput>;
    out: string[];
    files: string[];
  }[] = [
    {
      name: 'secret-looking names, tracked or not',
      entries: [
        file('.env'),
        file('sub/.env.local', { tracked: false }),
        file('k/server.pem'),
        file('tls.key'),
        file('id_rsa'),
        file('keys/id_ed25519.pub'),
        file('.netrc'),
        file('.git-credentials'),
        file('main.py'),
        file('keyboard.py'),
      ],
      out: [
        '.env',
        '.git-credentials',
        '.netrc',
        'id_rsa',
        'k/server.pem',
        'keys/id_ed25519.pub',
        'sub/.env.local',
        'tls.key',
      ],
      files: ['keyboard.py', 'main.py'],
    },
    {
      name: 'service-account JSON keys, not other JSON',
      entries: [file('sa.json', { secretContent: true }), file('data.json', { secretContent: false })],
      out: ['sa.json'],
      files: ['data.json'],
    },
    {
      name: 'include keeps a secret-looking file, but never the config .env or a deploy key',
      entries: [file('.env'), file('.env.example'), file('deploy/key.pem')],
      o: {
        rules: { include: ['.env*', '*.pem'], exclude: [], max_file_mb: 50, max_total_mb: 200 },
        always: [
          { path: '.env', reason: 'config-env' },
          { path: 'deploy/key.pem', reason: 'deploy-key' },
        ],
      },
      out: ['.env', 'deploy/key.pem'],
      files: ['.env.example'],
    },
    {
      name: 'exclude patterns and nested repositories',
      entries: [
        file('notes/a.md'),
        file('raw/x.csv'),
        file('vendor', { kind: 'nested-repo', tracked: false, bytes: null }),
      ],
      o: { rules: { include: [], exclude: ['raw/'], max_file_mb: 50, max_total_mb: 200 } },
      out: ['raw/x.csv', 'vendor'],
      files: ['notes/a.md'],
    },
    {
      name: 'a deleted tracked file is not listed; a submodule is',
      entries: [file('gone.py', { bytes: null }), file('lib', { kind: 'submodule', bytes: null })],
      out: [],
      files: ['lib'],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const p = planSnapshot(input(c.entries, c.o));
      assert.deepEqual(
        p.excluded.map((e) => e.path),
        c.out,
      );
      assert.deepEqual(p.files, c.files);
    });

  it('names every excluded path with its reason in one line', () => {
    const p = planSnapshot(
      input([file('.env'), file('a.pem'), file('k')], { always: [{ path: 'k', reason: 'deploy-key' }] }),
    );
    assert.equal(
      excludedLine(p.excluded),
      'not in the snapshot: .env (looks like a secret), a.pem (looks like a secret), k (a deploy key) — list a path in commit.snapshot.include to keep it',
    );
    assert.equal(excludedLine([]), null);
  });
});

describe('planSnapshot: size guard', () => {
  const untracked = (path: string, mb: number) => file(path, { tracked: false, bytes: mb * MB });
  const cases: {
    name: string;
    entries: SnapshotEntry[];
    url?: string;
    max?: [number, number];
    want: RegExp | null;
  }[] = [
    { name: 'small files pass', entries: [untracked('a.bin', 10), untracked('b.bin', 20)], want: null },
    {
      name: 'one file over max_file_mb, biggest first',
      entries: [untracked('small.bin', 51), untracked('big.bin', 300)],
      want: /^the snapshot would add 2 untracked files over commit\.snapshot\.max_file_mb \(50 MB\): big\.bin \(300\.0 MB\), small\.bin \(51\.0 MB\)$/,
    },
    {
      name: 'many files over max_total_mb together',
      entries: [40, 45, 45, 45, 45].map((mb, i) => untracked(`f${i}.bin`, mb)),
      want: /^the snapshot would add 220\.0 MB of untracked files, over commit\.snapshot\.max_total_mb \(200 MB\); the biggest: f1\.bin \(45\.0 MB\)/,
    },
    {
      name: 'raised limits let it through',
      entries: [untracked('big.bin', 300)],
      max: [400, 400],
      want: null,
    },
    {
      name: 'GitHub refuses a file over 100 MB whatever the limits',
      entries: [untracked('big.bin', 150)],
      url: 'git@github.com:alice/code.git',
      max: [400, 400],
      want: /^GitHub refuses files over 100 MB, and the snapshot for git@github\.com:alice\/code\.git would add big\.bin \(150\.0 MB\)$/,
    },
    {
      name: 'tracked and excluded files do not count',
      entries: [file('tracked.bin', { bytes: 300 * MB }), untracked('dump.key', 300)],
      want: null,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const [f, t] = c.max ?? [50, 200];
      const p = planSnapshot(
        input(c.entries, {
          remoteUrl: c.url ?? '/srv/code.git',
          rules: { include: [], exclude: [], max_file_mb: f, max_total_mb: t },
        }),
      );
      if (c.want === null) assert.equal(p.refusal, null);
      else {
        assert.match(p.refusal?.what ?? '', c.want);
        assert.match(p.refusal?.fix ?? '', /\.gitignore/);
      }
    });

  it('recognises github.com remotes in every URL form', () => {
    for (const u of [
      'git@github.com:a/b.git',
      'ssh://git@github.com/a/b',
      'https://github.com/a/b',
      'https://x:t@github.com/a/b',
    ])
      assert.equal(isGithubUrl(u), true, u);
    for (const u of ['git@gitlab.com:a/b.git', '/srv/github.com/x.git', 'https://notgithub.com/a'])
      assert.equal(isGithubUrl(u), false, u);
  });
});

describe('planSnapshot: warnings', () => {
  it('one line per dirty submodule and per nested repository', () => {
    const p = planSnapshot({
      ...input([
        file('lib', { kind: 'submodule', bytes: null }),
        file('exp', { kind: 'nested-repo', bytes: null }),
      ]),
      inspection: {
        entries: [
          file('lib', { kind: 'submodule', bytes: null }),
          file('exp', { kind: 'nested-repo', bytes: null }),
        ],
        dirtySubmodules: ['lib'],
      },
    });
    assert.equal(p.warnings.length, 2);
    assert.match(
      p.warnings[0]!,
      /^submodule lib has uncommitted changes: they do not run, its committed version does/,
    );
    assert.match(
      p.warnings[1]!,
      /^exp\/ is a separate git repository inside this one: its files are not in the snapshot/,
    );
  });
});

describe('URL credentials', () => {
  const cases: [string, string, { username: string; password: string } | null][] = [
    [
      'https://alice:S3cr3t@host/repo.git',
      'https://host/repo.git',
      { username: 'alice', password: 'S3cr3t' },
    ],
    ['https://ghp_tok@github.com/a/b', 'https://github.com/a/b', { username: 'ghp_tok', password: '' }],
    ['http://u:p%40ss@h:8080/r', 'http://h:8080/r', { username: 'u', password: 'p@ss' }],
    ['git@github.com:a/b.git', 'git@github.com:a/b.git', null],
    ['ssh://git@host/r', 'ssh://git@host/r', null],
    ['https://host/a@b', 'https://host/a@b', null],
  ];
  for (const [url, stripped, creds] of cases)
    it(url, () => {
      assert.deepEqual(splitUrlCredentials(url), { url: stripped, credentials: creds });
      assert.equal(stripUrlCredentials(url), stripped);
    });
});

describe('secrets: by name in any case, by content for small files', () => {
  const names: [string, boolean][] = [
    ['server.PEM', true],
    ['ID_RSA', true],
    ['.ENV', true],
    ['a/b/Kaggle.json', true],
    ['home/.aws/credentials', true],
    ['credentials', false],
    ['x.P12', true],
    ['keyboard.py', false],
    ['.npmrc', false],
  ];
  for (const [path, want] of names)
    it(`${path} ${want ? 'is' : 'is not'} a secret by name`, () => assert.equal(secretByName(path), want));
  const contents: [string, string, boolean][] = [
    ['.npmrc', '//r.example/:_authToken=abc', true],
    ['.NPMRC', 'registry=https://r.example/', false],
    ['.pypirc', '[pypi]\npassword: x', true],
    ['key.txt', '-----BEGIN RSA PRIVATE KEY-----\n', true],
    ['k.json', '{"type": "service_account", "private_key": "x"}', true],
    ['k.json', '{"type": "service_account"}', false],
    ['c.json', '{"web": {"client_secret": "s"}}', true],
  ];
  for (const [path, text, want] of contents)
    it(`${path} with ${JSON.stringify(text)} ${want ? 'is' : 'is not'} a secret`, () =>
      assert.equal(secretByContent(path, text), want));
  it('reads content only of small files that can hold a credential', () => {
    assert.equal(readsContent('KEY.JSON', 2000, true), true);
    assert.equal(readsContent('big.json', 10 * MB, false), false);
    assert.equal(readsContent('gcp', 2000, false), true);
    assert.equal(readsContent('gcp', 2000, true), false);
    assert.equal(readsContent('data.csv', 2000, false), false);
  });
});
