// Find → read .env → parse YAML (positions kept) → substitute ${NAME} → schema → normalise → rules.
// Every problem becomes one line naming file:line:col and the key path; values are never echoed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';
import { parseEnv } from 'node:util';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { UserError } from '../errors.js';
import { addSecret } from '../util/log.js';
import { normalize } from './normalize.js';
import { checkRules } from './rules.js';
import { substitutePlaceholders } from './substitute.js';
import type { Config } from './types.js';
import type { MymlopsConfigFile } from './types.gen.js';
import { validateSchema } from './validate.js';

export const CONFIG_NAME = 'mymlops.yml';

export interface LoadOptions {
  /** --config FILE */
  file?: string | undefined;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function findConfig(opts: LoadOptions = {}): string {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.file ?? env['MYMLOPS_CONFIG'];
  if (explicit) {
    const p = resolve(cwd, explicit);
    if (!existsSync(p))
      throw new UserError(`config file ${explicit} not found`, 'check the --config / MYMLOPS_CONFIG path');
    return p;
  }
  const p = resolve(cwd, CONFIG_NAME);
  if (!existsSync(p))
    throw new UserError(
      `no ${CONFIG_NAME} in ${cwd}`,
      'run `mymlops init` to create one, or pass --config FILE',
    );
  return p;
}

export class ConfigError extends UserError {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1 ? problems[0]! : `${problems.length} problems in the config`,
      problems.length === 1 ? undefined : undefined,
      { details: problems.length === 1 ? [] : problems },
    );
  }
}

function loadDotenv(dir: string, display: (p: string) => string): Record<string, string> {
  const p = resolve(dir, '.env');
  if (!existsSync(p)) return {};
  try {
    return parseEnv(readFileSync(p, 'utf8')) as Record<string, string>;
  } catch (e) {
    throw new UserError(`${display(p)}: cannot be parsed (${(e as Error).message})`, 'use NAME=value lines');
  }
}

function positionOf(
  doc: Document,
  lc: LineCounter,
  path: (string | number)[],
): { line: number; col: number } {
  // Walk as deep as the path exists; a missing key points at its parent mapping.
  let node: unknown = doc.contents;
  let found: Node | null = (doc.contents as Node | null) ?? null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      found = (pair.key as Node) ?? found;
      node = pair.value;
      if (node && (isMap(node) || isSeq(node))) continue;
      if (node) found = found ?? (node as Node);
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      found = item;
      node = item;
    } else break;
  }
  const offset = found?.range?.[0] ?? 0;
  return lc.linePos(offset);
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const file = findConfig(opts);
  return loadConfigFile(file, opts);
}

export function loadConfigFile(file: string, opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const display = (p: string) => {
    const r = relative(cwd, p);
    return r && !r.startsWith('..') ? r : p;
  };
  const name = display(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      'check the file permissions',
    );
  }
  const dir = dirname(file);
  const dotenv = loadDotenv(dir, display);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return `${name}:${pos.line}:${pos.col}: invalid YAML: ${msg} — fix the YAML syntax`;
      }),
    );
  }
  const sub = substitutePlaceholders(doc, lc, dotenv, env);
  for (const s of sub.secrets) addSecret(s);
  if (sub.missing.length > 0) {
    throw new ConfigError(
      sub.missing.map(
        (m) =>
          `${name}:${m.line}:${m.col}: \${${m.name}} is not set — add ${m.name}=... to ${display(resolve(dir, '.env'))} or the environment`,
      ),
    );
  }
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([
      `${name}:1:1: must be a YAML mapping of sections (commit, start, dashboard) — see \`mymlops init\``,
    ]);
  }
  const issues = validateSchema(data);
  const at = (path: (string | number)[], message: string) => {
    const pos = positionOf(doc, lc, path);
    const fix = message.includes('(') ? '' : ` — fix it in ${name}`;
    return `${name}:${pos.line}:${pos.col}: ${path.join('.') || '(top level)'} ${message}${fix}`;
  };
  if (issues.length > 0) throw new ConfigError(issues.map((i) => at(i.path, i.message)));
  const config = normalize(data as MymlopsConfigFile, file, dir);
  const rules = checkRules(config);
  if (rules.length > 0) throw new ConfigError(rules.map((i) => at(i.path, i.message)));
  return config;
}
