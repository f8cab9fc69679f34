// mymlops.yml → plain data, read as the original tool read it: .env by python-dotenv's rules,
// placeholders as string.Template, YAML as PyYAML's safe_load (YAML 1.1). Every problem is one line
// naming file:line:col; values are never echoed (they may be secrets from .env).
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { type Document, LineCounter } from 'yaml';
import { UserError } from '../errors.js';
import { type DotenvValues, dotenvValues } from './dotenv.js';
import { ConfigError, listedLines } from './errors.js';
import { differenceFromOriginal } from './original.js';
import { positionOf, positionOfNode } from './positions.js';
import { checkStructure } from './structure.js';
import { type Substituted, substitutePlaceholders } from './substitute.js';
import { firstSyntaxError } from './yaml-errors.js';
import { MAX_YAML_DEPTH, parseYaml } from './yaml-depth.js';
import { YAML11 } from './yaml11.js';

export interface ReadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ConfigData {
  /** The file's contents as PyYAML would have returned them (after the placeholders are filled). */
  data: unknown;
  doc: Document;
  lc: LineCounter;
  /** The file as messages name it (relative to the current folder when inside it). */
  name: string;
  dotenv: DotenvValues;
  used: Substituted[];
  warnings: string[];
}

/** Aliases a config may expand; a YAML alias bomb ("billion laughs") needs far more. */
const MAX_ALIASES = 100;

export function displayPath(cwd: string): (p: string) => string {
  return (p) => {
    const r = relative(cwd, p);
    return r && !r.startsWith('..') ? r : p;
  };
}

function readDotenv(
  p: string,
  env: NodeJS.ProcessEnv,
  shown: string,
): { values: DotenvValues; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { values: {}, warnings: [] };
    throw new UserError(`cannot read ${shown}: ${code ?? 'error'}`, 'check the file permissions');
  }
  const { values, badLines } = dotenvValues(text, env);
  const warnings = badLines.map(
    (line) => `${shown}:${line}: not a NAME=value line, skipped (as the original did) — fix or remove it`,
  );
  return { values, warnings };
}

export function readConfigData(file: string, opts: ReadOptions = {}): ConfigData {
  const env = opts.env ?? process.env;
  const display = displayPath(opts.cwd ?? process.cwd());
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
  const envPath = resolve(dirname(file), '.env');
  const envFile = display(envPath);
  const dotenv = readDotenv(envPath, env, envFile);
  const lc = new LineCounter();
  const parsed = parseYaml(text, { ...YAML11, lineCounter: lc });
  if (!parsed.ok) {
    const pos = lc.linePos(parsed.tooDeepAt);
    throw new ConfigError([
      `${name}:${pos.line}:${pos.col}: invalid YAML: nested more than ${MAX_YAML_DEPTH} levels deep — a mymlops.yml needs at most 5; fix the brackets or indentation`,
    ]);
  }
  const doc = parsed.doc;
  if (doc.errors.length > 0) {
    const e = firstSyntaxError(text, doc.errors, lc);
    throw new ConfigError(
      [`${name}:${e.line}:${e.col}: invalid YAML: ${e.message} — fix the YAML syntax`],
      e.excerpt,
    );
  }
  const structure = checkStructure(doc);
  const p = structure.problem;
  if (p) {
    const pos = positionOfNode(p.node, lc);
    const at = `${name}:${pos.line}:${pos.col}`;
    if (p.kind === 'unknown-alias')
      throw new ConfigError([
        `${at}: invalid YAML: alias *${p.name} names no anchor defined above it — define &${p.name} before using it, or fix the name`,
      ]);
    if (p.kind === 'unsupported-tag')
      throw new ConfigError([
        `${at}: the YAML tag !!${p.tag.split(':').pop()} is not supported (no mymlops.yml key takes one) — write a plain list or mapping`,
      ]);
    throw new ConfigError([
      `${at}: ${p.path.join('.') || '(top level)'} has a key that is a mapping or a list — keys must be plain names (the original refused it too)`,
    ]);
  }
  const warnings = [
    ...dotenv.warnings,
    ...listedLines(
      structure.duplicates,
      (d) => {
        const pos = positionOfNode(d.node, lc);
        return `${name}:${pos.line}:${pos.col}: ${d.path.join('.')} is set twice; the last one is used (as the original did) — remove one`;
      },
      (n) => `${name}: … and ${n} more keys set twice`,
    ),
  ];
  const sub = substitutePlaceholders(doc, lc, dotenv.values, env);
  const problems = [
    ...sub.missing.map(
      (m) =>
        `${name}:${m.line}:${m.col}: $${m.name} is not set — add ${m.name}=... to ${envFile} or the environment`,
    ),
    ...sub.noValue.map(
      (m) =>
        `${name}:${m.line}:${m.col}: $${m.name} has no value in ${envFile} (a line without \`=\`; the original pasted the text "None") — write ${m.name}=value`,
    ),
    ...sub.invalid.map(
      (m) =>
        `${name}:${m.line}:${m.col}: invalid placeholder \`${m.name}\` — write \`$$\` for a literal \`$\`, \`$NAME\` or \`\${NAME}\` for a value from ${envFile}`,
    ),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
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
  if (text.includes('$')) {
    const diff = differenceFromOriginal(text, dotenv.values, env, data, MAX_ALIASES);
    if (diff) {
      const pos = positionOf(doc, lc, diff);
      throw new ConfigError([
        `${name}:${pos.line}:${pos.col}: ${diff.join('.') || '(top level)'} reads differently once a value from ${envFile} is pasted into the text, as the original did (the value holds YAML syntax: quotes, \`\\\`, \`: \`, \` #\` or a line break) — change the value or how the placeholder is quoted so both read alike`,
      ]);
    }
  }
  const literal = sub.literal.map(
    (l) =>
      `${name}:${l.line}:${l.col}: ${l.key} holds \`$${l.name}\`, a literal \`${l.name}\` after substitution — write \`${l.name}\` to use the value from ${envFile}`,
  );
  return { data, doc, lc, name, dotenv: dotenv.values, used: sub.used, warnings: [...warnings, ...literal] };
}
