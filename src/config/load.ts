// Find → read (.env, YAML 1.1, placeholders: read.ts) → schema → file rules → normalise → rules.
// Every problem becomes one line naming file:line:col and the key path; values are never echoed.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { addSecret, addSecretKey } from '../util/log.js';
import type { DotenvValues } from './dotenv.js';
import { ConfigError, listedLines } from './errors.js';
import { type FindOptions, findConfig } from './find.js';
import { normalize } from './normalize.js';
import { positionOf } from './positions.js';
import { readConfigData } from './read.js';
import { checkFileRules, checkRules, configWarnings } from './rules.js';
import { isSecretName } from './secrets.js';
import type { Substituted } from './substitute.js';
import type { Config } from './types.js';
import type { MymlopsConfigFile } from './types.gen.js';
import { validateSchema } from './validate.js';

export { CONFIG_NAME, findConfig } from './find.js';
export { ConfigError } from './errors.js';

export interface LoadOptions extends FindOptions {}

/** A loaded config and what `validate` warns about (the config is usable). */
export interface LoadReport {
  config: Config;
  warnings: string[];
}

export function loadConfig(opts: LoadOptions = {}): Config {
  return loadConfigFile(findConfig(opts), opts);
}

export function loadConfigFile(file: string, opts: LoadOptions = {}): Config {
  return loadConfigReport(file, opts).config;
}

export function loadConfigReport(file: string, opts: LoadOptions = {}): LoadReport {
  const read = readConfigData(file, opts);
  const { data, doc, lc, name } = read;
  registerSecrets(data, read.dotenv, read.used);
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([
      `${name}:1:1: must be a YAML mapping of sections (commit, start, dashboard) — see \`mymlops init\``,
    ]);
  }
  const at = (path: (string | number)[], message: string) => {
    const pos = positionOf(doc, lc, path);
    const fix = message.includes('(') || message.includes(' — ') ? '' : ` — fix it in ${name}`;
    return `${name}:${pos.line}:${pos.col}: ${path.join('.') || '(top level)'} ${message}${fix}`;
  };
  // Each line costs a search for its position: a file with thousands of problems lists the first ones.
  const lines = (issues: { path: (string | number)[]; message: string }[]) =>
    listedLines(
      issues,
      (i) => at(i.path, i.message),
      (n) => `${name}: … and ${n} more problems`,
    );
  const issues = validateSchema(data);
  if (issues.length > 0) throw new ConfigError(lines(issues));
  const file_ = data as MymlopsConfigFile;
  const rules = checkFileRules(file_);
  if (rules.length > 0) throw new ConfigError(lines(rules));
  const config = normalize(file_, file, dirname(file));
  registerKeyContents(config);
  const more = checkRules(config);
  if (more.length > 0) throw new ConfigError(lines(more));
  const warnings = [...read.warnings, ...lines(configWarnings(file_))];
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

function registerSecrets(data: unknown, dotenv: DotenvValues, used: readonly Substituted[]): void {
  const d = (data ?? {}) as { dashboard?: { redact?: unknown } };
  const listed = Array.isArray(d.dashboard?.redact) ? d.dashboard.redact.map(String) : [];
  for (const [k, v] of Object.entries(dotenv)) if (v && isSecretName(k, listed)) addSecret(v);
  for (const u of used) if (isSecretName(u.name, listed)) addSecret(u.value);
}
