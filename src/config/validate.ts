// Schema validation with the ajv validator precompiled from the schema at build time
// (validator.gen.ts: compiling it at start-up cost every command ~0.4 s). Every error becomes
// `file:line:col key.path: what was expected`, never echoing the offending value (it may be a
// secret from .env).
import type { ErrorObject } from 'ajv';
import { validate as generated } from './validator.gen.js';

const validateFn = generated as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export interface SchemaIssue {
  /** Path as an array of keys/indices, e.g. ['commit', 'instance', 'zone_regex']. */
  path: (string | number)[];
  message: string;
}

export function validateSchema(data: unknown): SchemaIssue[] {
  if (validateFn(data)) return [];
  return dedupe((validateFn.errors ?? []).map(describe).filter((i): i is SchemaIssue => i !== null));
}

function pointerToPath(p: string): (string | number)[] {
  if (!p) return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject): SchemaIssue | null {
  const path = pointerToPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return {
        path: [...path, String(p['additionalProperty'])],
        message: 'unknown key (remove it or check its spelling)',
      };
    case 'required':
      return { path: [...path, String(p['missingProperty'])], message: 'is required' };
    case 'type':
      return { path, message: `must be ${article(String(p['type']))}` };
    case 'enum':
      return { path, message: `must be one of ${(p['allowedValues'] as unknown[]).map(String).join(', ')}` };
    case 'pattern':
      return { path, message: patternMessage(path) };
    case 'minItems':
      return { path, message: `must have at least ${String(p['limit'])} item(s)` };
    case 'minLength':
      return { path, message: 'must not be empty' };
    case 'minimum':
    case 'maximum':
      return { path, message: `must be ${e.keyword === 'minimum' ? '≥' : '≤'} ${String(p['limit'])}` };
    case 'oneOf':
      return null; // the branch errors above say more; a bare oneOf adds nothing.
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

function patternMessage(path: (string | number)[]): string {
  const last = path[path.length - 1];
  if (last === 'url')
    return 'must be a git URL (git@host:owner/repo.git, ssh://, https://, file:// or an absolute path)';
  if (path[path.length - 2] === 'links') return 'must be an http(s) URL';
  if (last === 'machine_type') return 'must be a machine type name such as n1-standard-8';
  if (last === 'project') return 'must be a GCP project id (lowercase letters, digits and dashes)';
  if (['max_duration', 'timeout', 'delete_after'].includes(String(last)))
    return 'must be seconds or a duration such as 90s, 45m, 24h';
  return 'has an invalid format';
}

function article(t: string): string {
  if (t === 'integer') return 'an integer';
  if (t === 'object') return 'a mapping';
  if (t === 'array') return 'a list';
  return `a ${t}`;
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  // Grouped by key path in one pass: a file with 100,000 bad values must not take quadratic time.
  const byPath = new Map<string, SchemaIssue[]>();
  for (const i of issues) {
    const k = i.path.join('.');
    const group = byPath.get(k);
    if (!group) byPath.set(k, [i]);
    else if (!group.some((j) => j.message === i.message)) group.push(i);
  }
  const out: SchemaIssue[] = [];
  for (const group of byPath.values())
    for (const i of group) {
      // A duration that matches neither branch yields two messages; keep the clearer one: the
      // pattern's for a string, the range's for a number.
      if (group.length > 1 && i.message === 'must be an integer') continue;
      if (i.message === 'must be a string' && group.some((j) => !j.message.startsWith('must be a'))) continue;
      out.push(i);
    }
  return out;
}
