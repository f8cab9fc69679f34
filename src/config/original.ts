// The original tool pasted .env values into the raw text (Python's string.Template) and then read
// the YAML; mymlops fills placeholders inside the values it has read. Both read the same for any
// value that is plain text, but a value holding YAML syntax (`"`, `\`, `: `, ` #`, a line break…)
// changed the original's reading. So whenever a placeholder was filled, the original's reading is
// computed too and the first key where the two differ is reported: mymlops never silently reads a
// file differently from the original.
import type { DotenvValues } from './dotenv.js';
import { expandTemplate } from './substitute.js';
import { parseYaml } from './yaml-depth.js';
import { YAML11 } from './yaml11.js';

/**
 * The path of the first value where the original's reading of `text` differs from `ours`, or null
 * when they agree or the original could not read the file at all (then there is nothing to keep).
 */
export function differenceFromOriginal(
  text: string,
  dotenv: DotenvValues,
  env: NodeJS.ProcessEnv,
  ours: unknown,
  maxAliasCount: number,
): (string | number)[] | null {
  const pasted = expandTemplate(text, dotenv, env);
  if (!pasted.ok) return null;
  const parsed = parseYaml(pasted.value, YAML11);
  if (!parsed.ok || parsed.doc.errors.length > 0) return null;
  const doc = parsed.doc;
  let theirs: unknown;
  try {
    theirs = doc.toJS({ maxAliasCount });
  } catch {
    return null;
  }
  return firstDifference(ours, theirs, []);
}

/** Deep comparison of two read configs: the path of the first differing value, or null. */
export function firstDifference(
  a: unknown,
  b: unknown,
  path: (string | number)[],
): (string | number)[] | null {
  if (Object.is(a, b)) return null;
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime() ? null : path;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return path;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], [...path, i]);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = new Set(Object.keys(b));
    for (const k of ka) {
      if (!kb.has(k)) return [...path, k];
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [
        ...path,
        k,
      ]);
      if (d) return d;
    }
    if (kb.size !== ka.length) return [...path, [...kb].find((k) => !Object.hasOwn(a, k)) ?? ''];
    return null;
  }
  // 0 and -0 are one value to every reader of a config.
  return a === b ? null : path;
}
