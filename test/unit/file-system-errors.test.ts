// The file system's refusals as one line each (exit 74), from errors Node really raises: each case
// provokes the error on a real temp folder where it can, so the table is checked against Node's
// own codes, paths and syscalls rather than objects written by hand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EXIT, fileSystemError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mymlops-fs-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function raised(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

const aFile = join(dir, 'cache');
writeFileSync(aFile, 'x');

const cases: { what: string; error: () => unknown; line: RegExp | null }[] = [
  {
    what: 'a file where a folder goes (ENOTDIR)',
    error: () => raised(() => mkdirSync(join(aFile, 'output-repo'), { recursive: true })),
    line: /cache\/output-repo: part of this path is a file, not a folder — move that file away/,
  },
  {
    what: 'a folder where a file goes (EISDIR)',
    error: () => raised(() => writeFileSync(dir, 'x')),
    line: /is a folder where a file was expected/,
  },
  {
    what: 'a full disk (ENOSPC, as write(2) reports it)',
    error: () =>
      Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
        syscall: 'write',
        path: '/home/u/.mymlops/jobs/x/job.log',
      }),
    line: /no space left on the disk holding \/home\/u\/\.mymlops\/jobs\/x\/job\.log — free some space/,
  },
  {
    what: 'a missing file is not an environment problem (ENOENT stays a bug)',
    error: () => raised(() => readFileSync(join(dir, 'nope'))),
    line: null,
  },
  { what: 'not an errno error', error: () => new Error('boom'), line: null },
  { what: 'not an object', error: () => 'boom', line: null },
];

for (const c of cases)
  test(`fileSystemError: ${c.what}`, () => {
    const u = fileSystemError(c.error());
    if (c.line === null) return assert.equal(u, null);
    assert.ok(u, 'mapped');
    assert.equal(u.exitCode, EXIT.io);
    assert.match(u.line(), c.line);
    assert.equal(u.line().split('\n').length, 1);
  });
