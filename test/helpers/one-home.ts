// "One home for every rule", checked: a rule's tell-tale text (a regular expression) may appear in
// the source tree only in the files named as its home. Each rule's table test lives next to the rule;
// the rows in test/unit/one-home/ say where the rule may be written.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packagePath } from '../../src/util/package-root.js';

export interface HomeRule {
  /** What the rule is, as a reader would name it. */
  rule: string;
  /** Text that only an implementation of the rule writes. */
  pattern: RegExp;
  /** Files (relative to the package root) where it may appear. */
  homes: string[];
  /** Folders to scan (relative to the package root); default src. */
  roots?: string[];
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (/\.(ts|mjs|cjs|js)$/.test(name) && !name.endsWith('.gen.ts')) out.push(path);
  }
  return out;
}

/** Where `pattern` occurs under the roots: package-relative `file:line` strings. */
export function occurrences(pattern: RegExp, roots: string[] = ['src']): string[] {
  const root = packagePath('.');
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  const out: string[] = [];
  for (const r of roots) {
    for (const file of files(packagePath(r))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(new RegExp(pattern.source, flags))) {
        const line = text.slice(0, m.index).split('\n').length;
        out.push(`${relative(root, file)}:${line}`);
      }
    }
  }
  return out;
}

/** Fails naming every place outside the rule's homes; also fails when the home no longer has it. */
export function assertOneHome(r: HomeRule): void {
  const found = occurrences(r.pattern, r.roots);
  const stray = found.filter((at) => !r.homes.some((h) => at.startsWith(`${h}:`)));
  assert.deepEqual(stray, [], `${r.rule}: written outside ${r.homes.join(', ')}`);
  for (const h of r.homes) {
    assert.ok(
      found.some((at) => at.startsWith(`${h}:`)),
      `${r.rule}: its home ${h} no longer has ${r.pattern} (update the row)`,
    );
  }
}
