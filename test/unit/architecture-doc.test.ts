// docs/architecture.md stays true to the tree: every src/, test/, assets/ or scripts/ path it names
// (in backticks, or in the folder map at its top, where a bare file name belongs to the folder its
// line describes) exists, a backticked path short of its src/ prefix (`core/commit/plan.ts`) names a
// file under src/, and every rule of test/unit/one-home/ is a row of its "One home for every rule"
// table, naming the file the rule's row is in.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packagePath } from '../../src/util/package-root.js';

const DOC = 'docs/architecture.md';
const PREFIX = /^(?:src|test|assets|scripts)\//;
/** A path in running text: it starts with one of the checked folders. */
const PROSE_PATH = /(?<![\w./-])(?:src|test|assets|scripts)\/[\w./*{},-]*/g;
/** Top-level folders of the package: a path starting with one (sim/, bench/) is not under src/. */
const TOP = new Set(readdirSync(packagePath('.')));
/** A file name as the folder map lists it. */
const FILE_NAME = /(?<![\w./-])[\w.-]+\.(?:ts|mjs|cjs|sh|py)(?![\w/-])/g;

/**
 * Every file and folder (with a trailing slash) under the checked folders, package-relative, and the
 * folders git ignores because a build makes them (assets/dashboard/): named, not yet there.
 */
function tree(): string[] {
  const out = readFileSync(packagePath('.gitignore'), 'utf8')
    .split('\n')
    .filter((l) => PREFIX.test(l) && l.endsWith('/'));
  const walk = (rel: string): void => {
    for (const name of readdirSync(packagePath(rel))) {
      const path = `${rel}/${name}`;
      if (statSync(packagePath(path)).isDirectory()) {
        out.push(`${path}/`);
        walk(path);
      } else out.push(path);
    }
  };
  for (const top of ['src', 'test', 'assets', 'scripts']) {
    out.push(`${top}/`);
    walk(top);
  }
  return out;
}

/** `*`, `**` and `{a,b}` as the doc uses them in paths. */
function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}/?$`);
}

function exists(path: string, files: readonly string[]): boolean {
  const clean = path.replace(/[.,;:]+$/, '');
  if (/[*{]/.test(clean)) {
    const re = globRegex(clean);
    return files.some((f) => re.test(f));
  }
  const bare = clean.replace(/\/$/, '');
  return files.includes(bare) || files.includes(`${bare}/`);
}

/** The paths a document names, each with the line it is on (1-based) and the folder it is read in. */
export function namedPaths(doc: string): { path: string; line: number; in: string[] }[] {
  const out: { path: string; line: number; in: string[] }[] = [];
  const lines = doc.split('\n');
  // The folder map: the first fenced block. Indent 0 names a folder (or a file, whose folder it
  // becomes); indent 2 a subfolder of it; deeper lines continue the line above.
  const start = lines.findIndex((l) => l.startsWith('```'));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('```'));
  let top: string | null = null;
  let sub: string[] = [];
  for (let i = start + 1; start >= 0 && i < end; i++) {
    const text = lines[i] as string;
    const indent = (/^ */.exec(text) as RegExpExecArray)[0].length;
    const first = text.trim().split(/\s+/)[0] ?? '';
    if (indent === 0) {
      const clean = first.replace(/,$/, '');
      top = PREFIX.test(clean) && /^[\w./-]+$/.test(clean) ? clean.replace(/[^/]*$/, '') : null;
      sub = [];
      if (top && clean !== top) out.push({ path: clean, line: i + 1, in: [] });
    } else if (indent === 2 && top) {
      sub = [];
      for (const word of text.trim().split(/\s+/)) {
        if (!/^[\w.-]+\/$/.test(word)) break;
        sub.push(`${top}${word}`);
        out.push({ path: `${top}${word}`, line: i + 1, in: [] });
      }
    }
    const described = indent === 0 ? text.slice(first.length) : text;
    for (const m of described.matchAll(PROSE_PATH)) out.push({ path: m[0], line: i + 1, in: [] });
    if (!top) continue;
    const folders = sub.length > 0 ? [...sub, top] : [top];
    for (const m of described.replace(PROSE_PATH, '').matchAll(FILE_NAME)) {
      out.push({ path: m[0], line: i + 1, in: folders });
    }
  }
  // Backticked paths everywhere.
  lines.forEach((text, i) => {
    for (const m of text.matchAll(/`([^`\s]+)`/g)) {
      const token = m[1] as string;
      if (PREFIX.test(token)) out.push({ path: token, line: i + 1, in: [] });
      else if (/^[\w-]+\/[\w./-]*\.(?:ts|mjs)$/.test(token) && !TOP.has(token.split('/')[0] as string)) {
        out.push({ path: token, line: i + 1, in: ['src/**/'] });
      }
    }
  });
  return out;
}

/** The named paths that do not exist, as `line N: path` strings. */
export function missing(doc: string, files: readonly string[]): string[] {
  return namedPaths(doc)
    .filter(({ path, in: folders }) =>
      folders.length === 0 ? !exists(path, files) : !folders.some((f) => exists(`${f}${path}`, files)),
    )
    .map(
      ({ path, line, in: folders }) =>
        `line ${line}: ${path}${folders.length ? ` (in ${folders.join(' or ')})` : ''}`,
    );
}

const FILES = tree();

test('every path docs/architecture.md names exists', () => {
  const doc = readFileSync(packagePath(DOC), 'utf8');
  assert.deepEqual(missing(doc, FILES), []);
});

test('the check reads the folder map and backticks, and flags what is not there', () => {
  const sample = [
    '```',
    'src/core/                the domain',
    '  launch/                failover.ts, gone.ts',
    '  no-such-folder/        x',
    '  model.ts, missing-file.ts',
    'src/util/                url.ts: see src/util/not-here.ts',
    'bench/                   run.ts (not a checked folder)',
    '```',
    'Text: `src/core/machine-state.ts`, `test/unit/nope.test.ts`, `core/commit/outcome.ts`,',
    '`core/commit/nothing.ts`, `assets/gce/*.sh`, `assets/gce/*.nope`, `src/core/**`, `job.json`.',
  ].join('\n');
  assert.deepEqual(missing(sample, FILES), [
    'line 3: gone.ts (in src/core/launch/ or src/core/)',
    'line 4: src/core/no-such-folder/',
    'line 5: missing-file.ts (in src/core/)',
    'line 6: src/util/not-here.ts',
    'line 9: test/unit/nope.test.ts',
    'line 10: core/commit/nothing.ts (in src/**/)',
    'line 10: assets/gce/*.nope',
  ]);
  const found = namedPaths(sample).map((p) => p.path);
  for (const p of ['failover.ts', 'src/core/launch/', 'model.ts', 'url.ts', 'src/core/machine-state.ts']) {
    assert.ok(found.includes(p), p);
  }
});

test('every one-home rule is a row of the "One home for every rule" table, with its row file', () => {
  const doc = readFileSync(packagePath(DOC), 'utf8');
  const section = doc.split('## One home for every rule')[1]?.split('\n## ')[0];
  assert.ok(section, `${DOC} has no "One home for every rule" section`);
  const tableRows = section.split('\n').filter((l) => l.startsWith('| '));
  const absent: string[] = [];
  for (const f of readdirSync(packagePath('test/unit/one-home'))) {
    const file = join('test/unit/one-home', f);
    const rules = [...readFileSync(packagePath(file), 'utf8').matchAll(/\brule: (['"])(.+?)\1,/g)];
    assert.ok(rules.length > 0, `${file} has no rule`);
    for (const [, , rule] of rules) {
      if (!tableRows.some((r) => r.startsWith(`| ${rule} |`) && r.includes(`\`${file}\``))) {
        absent.push(`${file}: ${rule}`);
      }
    }
  }
  assert.deepEqual(absent, []);
});
