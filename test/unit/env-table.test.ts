// The table of environment variables (src/util/env.ts) is the README's "Environment variables"
// section, and no source file reads a variable by name except through it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ENV_VARS } from '../../src/util/env.js';
import { packagePath } from '../../src/util/package-root.js';

const SECTION = '## Environment variables';

function rendered(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = ENV_VARS.map((v) => `| \`${v.name}\` | ${cell(v.default)} | ${cell(v.meaning)} |`);
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

function readmeSection(): string | null {
  const text = readFileSync(packagePath('README.md'), 'utf8');
  const start = text.indexOf(`\n${SECTION}\n`);
  if (start < 0) return null;
  const body = text.slice(start + SECTION.length + 2);
  const end = body.search(/\n## /);
  return end < 0 ? body : body.slice(0, end);
}

test('every variable of the table is in the README section, as the table says', () => {
  const section = readmeSection();
  assert.ok(section !== null, `README.md has no "${SECTION}" section`);
  const table = rendered();
  assert.ok(
    section.includes(table),
    `the README's table differs from src/util/env.ts; it should read:\n${table}`,
  );
});

test('names are unique and each row says what the variable does', () => {
  const names = ENV_VARS.map((v) => v.name);
  assert.equal(new Set(names).size, names.length);
  for (const v of ENV_VARS) assert.ok(v.meaning.length > 10 && v.default.length > 0, v.name);
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(e) && !/\.gen\.ts$/.test(e) ? [p] : [];
  });
}

test('no source file reads a variable by name outside src/util/env.ts', () => {
  const src = packagePath('src');
  // Reads only: `env['X']` not followed by `=`, `env.X`, `'X' in env`.
  const read =
    /\benv\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\](?!\s*=[^=])|\benv\.([A-Z_][A-Z0-9_]*)\b|['"]([A-Z_][A-Z0-9_]*)['"]\s+in\s+(?:process\.)?env\b/g;
  const found: string[] = [];
  for (const f of sources(src)) {
    const rel = relative(src, f);
    if (rel === join('util', 'env.ts')) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(read)) found.push(`${rel}: ${m[0]}`);
  }
  assert.deepEqual(found, []);
});
