// Find → read .env → parse YAML (positions kept) → substitute $NAME → schema → normalise → rules.
// Every problem becomes one line naming file:line:col and the key path; values are never echoed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';
import { parseEnv } from 'node:util';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { UserError } from '../errors.js';
import { addSecret, addSecretKey } from '../util/log.js';
import { normalize } from './normalize.js';
import { checkRules } from './rules.js';
import { type FindOptions, findConfig } from './find.js';
import { isSecretName } from './secrets.js';
import { type Substituted, substitutePlaceholders } from './substitute.js';
import type { Config } from './types.js';
import type { MymlopsConfigFile } from './types.gen.js';
import { validateSchema } from './validate.js';
import { firstSyntaxError } from './yaml-errors.js';

export { CONFIG_NAME, findConfig } from './find.js';

export interface LoadOptions extends FindOptions {}

/** A loaded config and what `validate` warns about (the config is usable). */
export interface LoadReport {
  config: Config;
  warnings: string[];
}

/** Config problems exit 2 (usage or config error); one problem is one line (plus an excerpt). */
export class ConfigError extends UserError {
  constructor(
    readonly problems: string[],
    excerpt: string[] = [],
  ) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems in the config`, undefined, {
      details: problems.length === 1 ? excerpt : problems,
      exitCode: 2,
    });
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
  return loadConfigFile(findConfig(opts), opts);
}

export function loadConfigFile(file: string, opts: LoadOptions = {}): Config {
  return loadConfigReport(file, opts).config;
}

export function loadConfigReport(file: string, opts: LoadOptions = {}): LoadReport {
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
    const e = firstSyntaxError(text, doc.errors, lc);
    throw new ConfigError(
      [`${name}:${e.line}:${e.col}: invalid YAML: ${e.message} — fix the YAML syntax`],
      e.excerpt,
    );
  }
  const sub = substitutePlaceholders(doc, lc, dotenv, env);
  const envFile = display(resolve(dir, '.env'));
  const subProblems = [
    ...sub.missing.map(
      (m) =>
        `${name}:${m.line}:${m.col}: $${m.name} is not set — add ${m.name}=... to ${envFile} or the environment`,
    ),
    ...sub.invalid.map(
      (m) =>
        `${name}:${m.line}:${m.col}: invalid placeholder \`${m.name}\` — write \`$$\` for a literal \`$\`, \`$NAME\` or \`\${NAME}\` for a value from ${envFile}`,
    ),
  ];
  if (subProblems.length > 0) throw new ConfigError(subProblems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof ReferenceError)
      throw new ConfigError([
        `${name}: too many YAML aliases (more than ${MAX_ALIASES} expansions) — write the values out instead of nesting aliases`,
      ]);
    throw e;
  }
  registerSecrets(data, dotenv, sub.used);
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
  registerKeyContents(config);
  const rules = checkRules(config);
  if (rules.length > 0) throw new ConfigError(rules.map((i) => at(i.path, i.message)));
  const warnings = sub.literal.map(
    (l) =>
      `${name}:${l.line}:${l.col}: ${l.key} holds \`$${l.name}\`, a literal \`${l.name}\` after substitution — write \`${l.name}\` to use the value from ${envFile}`,
  );
  return { config, warnings };
}

/** Deploy key contents are never printed (a key that cannot be read is reported where it is used). */
function registerKeyContents(c: Config): void {
  const keys = [c.commit?.repository, c.commit?.output_repository, c.start?.repository];
  for (const k of keys) {
    if (!k?.deploy_key) continue;
    try {
      addSecretKey(readFileSync(k.deploy_key, 'utf8'));
    } catch {}
  }
}

/** Aliases a config may expand; a YAML alias bomb ("billion laughs") needs far more. */
const MAX_ALIASES = 100;

function registerSecrets(data: unknown, dotenv: Record<string, string>, used: readonly Substituted[]): void {
  const d = (data ?? {}) as { dashboard?: { redact?: unknown } };
  const listed = Array.isArray(d.dashboard?.redact) ? d.dashboard.redact.map(String) : [];
  for (const [k, v] of Object.entries(dotenv)) if (isSecretName(k, listed)) addSecret(v);
  for (const u of used) if (isSecretName(u.name, listed)) addSecret(u.value);
}
