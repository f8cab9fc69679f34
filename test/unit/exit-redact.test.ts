// The exit-code table, URL credentials and key contents kept out of everything printed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { ConfigError } from '../../src/config/load.js';
import { EXIT, ExitCode, UserError } from '../../src/errors.js';
import { exitCodeOf } from '../../src/program.js';
import { addSecretKey, redact } from '../../src/util/log.js';
import { stripUrlCredentials } from '../../src/util/url.js';

describe('exit codes', () => {
  const cases: [string, unknown, number][] = [
    ['help or version shown', new CommanderError(0, 'commander.helpDisplayed', ''), 0],
    ['unknown option', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--jsno'"), 2],
    ['missing argument', new CommanderError(1, 'commander.missingArgument', 'error: missing'), 2],
    ['a user error', new UserError('no such commit', 'see mymlops status'), 2],
    ['a config error', new ConfigError(['mymlops.yml:1:1: bad']), 2],
    ['a failed notebook', new ExitCode(EXIT.failed), 1],
    ['interrupted', new ExitCode(EXIT.interrupted), 130],
    ['a bug', new TypeError('x is undefined'), 70],
    ['a thrown string', 'boom', 70],
  ];
  for (const [name, e, code] of cases) it(`${name} → ${code}`, () => assert.equal(exitCodeOf(e), code));
});

describe('stripUrlCredentials', () => {
  const cases: [string, string][] = [
    ['https://alice:S3cr3tTok@github.com/me/repo.git', 'https://alice:***@github.com/me/repo.git'],
    ['https://ghp_abcdef123456@github.com/me/repo', 'https://***@github.com/me/repo'],
    ['http://u:p@127.0.0.1:8080/r', 'http://u:***@127.0.0.1:8080/r'],
    ['https://user:@host/r', 'https://user:***@host/r'],
    ['ssh://git@github.com/me/repo.git', 'ssh://git@github.com/me/repo.git'],
    ['ssh://git:pw@host/r', 'ssh://git:***@host/r'],
    ['git@github.com:me/repo.git', 'git@github.com:me/repo.git'],
    ['https://github.com/me/repo', 'https://github.com/me/repo'],
    ['/srv/repo.git', '/srv/repo.git'],
    ['file:///srv/r@x.git', 'file:///srv/r@x.git'],
  ];
  for (const [url, want] of cases) it(url, () => assert.equal(stripUrlCredentials(url), want));

  it('redact removes URL credentials inside any text', () => {
    assert.equal(
      redact('fetching snapshot abc from https://alice:S3cr3tTok@host/r.git (attempt 2)'),
      'fetching snapshot abc from https://alice:***@host/r.git (attempt 2)',
    );
    assert.equal(redact('mail me at a@b.c, see https://x.org'), 'mail me at a@b.c, see https://x.org');
  });
});

describe('deploy key contents', () => {
  it('are redacted whole and line by line', () => {
    const body = [
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACDd6vPq7ZQG3Tf0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ];
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    addSecretKey(key);
    assert.equal(redact(key.trim()), '***');
    assert.equal(redact(`git said: ${body[1]}`), 'git said: ***');
    assert.equal(redact('-----BEGIN OPENSSH PRIVATE KEY-----'), '-----BEGIN OPENSSH PRIVATE KEY-----');
  });
});
