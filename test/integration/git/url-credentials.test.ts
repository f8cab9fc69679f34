// Which part of a URL is a credential, as real git reads it: each URL goes to `git credential fill`
// with a credential helper that writes down what git passed it (protocol, host, path, username,
// password as git parsed them from `url=`). Ours must agree: the credentials split off are git's
// username and password (an ssh login stays in the URL), the URL left over names the same place with
// none of them, and redaction replaces exactly what git calls the secret.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { redactUrlCredentials, splitUrlCredentials } from '../../../src/util/url.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-url-creds-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface GitParse {
  protocol: string;
  host: string;
  path: string;
  username?: string;
  password?: string;
}

function fields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** What git parses out of `url` (null: git cannot read it as a URL: scp-like, a path). */
function gitParse(url: string): GitParse | null {
  const seen = join(tmp, 'seen');
  writeFileSync(seen, '');
  // With a username and a password in the URL git asks no helper and prints them; otherwise the
  // helper writes down what git parsed and answers nothing, so git stops (prompts are off).
  const r = spawnSync(
    'git',
    [
      '-c',
      'credential.helper=',
      '-c',
      `credential.helper=!f() { cat > '${seen}'; }; f`,
      '-c',
      'credential.useHttpPath=true',
      'credential',
      'fill',
    ],
    {
      input: `url=${url}\n\n`,
      encoding: 'utf8',
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '' },
    },
  );
  if (/cannot be parsed|has no scheme/.test(r.stderr)) return null;
  const f = fields(r.status === 0 ? r.stdout : readFileSync(seen, 'utf8'));
  assert.ok(f['protocol'] !== undefined, `git parsed ${url}: ${r.stdout}${r.stderr}`);
  return {
    protocol: f['protocol']!,
    host: f['host'] ?? '',
    path: f['path'] ?? '',
    ...(f['username'] !== undefined ? { username: f['username'] } : {}),
    ...(f['password'] !== undefined ? { password: f['password'] } : {}),
  };
}

const isSsh = (p: GitParse) => p.protocol === 'ssh';

const ROWS = [
  'https://alice:S3cr3t@host/repo.git',
  'https://ghp_tok@github.com/a/b',
  'http://u:p%40ss%3Aw@h:8080/r',
  'https://u:@host/r',
  'https://host/a@b',
  'https://host?x=a@b/r',
  'https://u@h#f@g/x',
  'https://user:pw@[::1]:8443/r.git',
  'https://127.0.0.1:9000/r',
  'ssh://git@host/r',
  'ssh://git:pw@host:2222/r',
  'ssh://host/r',
  'git://tok@host/r',
  'git@github.com:a/b.git',
  'file:///srv/r@x.git',
  '/srv/repo.git',
];

describe('URL credentials agree with git credential fill', () => {
  for (const url of ROWS)
    it(url, () => {
      const git = gitParse(url);
      const ours = splitUrlCredentials(url);
      if (!git) {
        assert.deepEqual(ours, { url, credentials: null });
        assert.equal(redactUrlCredentials(url), url);
        return;
      }
      // The credentials are git's username and password; an ssh login is no secret and stays.
      const secret = isSsh(git) ? git.password !== undefined : git.username !== undefined;
      assert.deepEqual(
        ours.credentials,
        secret ? { username: git.username ?? '', password: git.password ?? '' } : null,
      );
      // The URL left over names the same place, without the secret.
      const left = gitParse(ours.url);
      const kept = isSsh(git) && git.username !== undefined ? { username: git.username } : {};
      assert.deepEqual(left, { protocol: git.protocol, host: git.host, path: git.path, ...kept });
      // Redaction hides exactly the secret and keeps the rest.
      const shown = gitParse(redactUrlCredentials(url));
      const hidden =
        git.password !== undefined
          ? { username: git.username, password: '***' }
          : git.username !== undefined
            ? { username: isSsh(git) ? git.username : '***' }
            : {};
      assert.deepEqual(shown, { protocol: git.protocol, host: git.host, path: git.path, ...hidden });
    });

  it('in a line of text, every URL is redacted as git reads it', () => {
    assert.equal(
      redactUrlCredentials('push https://u:tok@host/r.git failed; see https://host/a@b and ssh://git@h/r'),
      'push https://u:***@host/r.git failed; see https://host/a@b and ssh://git@h/r',
    );
  });
});
