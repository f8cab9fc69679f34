// writeFileAtomic (src/util/atomic-file.ts): writers that replace the same file at the same time —
// separate processes, as two CLIs or a CLI and the dashboard — all succeed, readers only ever see a
// whole file, and no temporary file is left behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomic } from '../../../src/util/atomic-file.js';
import { packagePath } from '../../../src/util/package-root.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-atomic-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const WRITERS = 4;
const WRITES = 200;
const SIZE = 64 * 1024;

/** A child process that writes its own letter, SIZE times, to `file` WRITES times. */
function writer(file: string, letter: string): Promise<{ code: number | null; stderr: string }> {
  const module = packagePath('src', 'util', 'atomic-file.ts');
  const code = `import { writeFileAtomic } from ${JSON.stringify(module)};
for (let i = 0; i < ${WRITES}; i++) writeFileAtomic(${JSON.stringify(file)}, ${JSON.stringify(letter)}.repeat(${SIZE}));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on('close', (c) => resolve({ code: c, stderr })));
}

function whole(text: string): boolean {
  return text.length === SIZE && text === text[0]!.repeat(SIZE);
}

test('concurrent writers of one file never collide and readers see whole contents', async () => {
  const file = join(tmp, 'shared.json');
  writeFileAtomic(file, 'a'.repeat(SIZE));
  const letters = ['a', 'b', 'c', 'd'].slice(0, WRITERS);
  const running = Promise.all(letters.map((l) => writer(file, l)));
  let done = false;
  void running.then(() => {
    done = true;
  });
  let reads = 0;
  while (!done) {
    const text = readFileSync(file, 'utf8');
    assert.ok(whole(text), `a reader saw a partial file (${text.length} bytes)`);
    reads++;
    await new Promise((r) => setImmediate(r));
  }
  const results = await running;
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.ok(whole(readFileSync(file, 'utf8')));
  assert.ok(reads > 0);
  assert.deepEqual(readdirSync(tmp), ['shared.json'], 'no temporary file left behind');
});

test('the same process writing twice in a row, and a mode', () => {
  const file = join(tmp, 'private.json');
  writeFileAtomic(file, '1', { mode: 0o600 });
  writeFileAtomic(file, '2', { mode: 0o600 });
  assert.equal(readFileSync(file, 'utf8'), '2');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('a failed write leaves neither the target nor a temporary file', () => {
  const file = join(tmp, 'missing-folder', 'x.json');
  assert.throws(() => writeFileAtomic(file, 'x'), { code: 'ENOENT' });
  assert.ok(!readdirSync(tmp).some((f) => f.endsWith('.tmp')));
});

test('no other module of src/ renames a file into place', () => {
  const src = packagePath('src');
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
    });
  const renaming = walk(src).filter((f) => /\brename(Sync)?\(/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(renaming, [join(src, 'util', 'atomic-file.ts')]);
});
