// `${NAME}` placeholders are replaced in YAML scalar values only (never in the raw text), so a value
// from .env cannot inject YAML structure. Values from .env are registered as secrets.
import { isScalar, visit, type Document, type LineCounter } from 'yaml';

export interface Placeholder {
  name: string;
  line: number;
  col: number;
}

export interface SubstituteResult {
  missing: Placeholder[];
  /** Values that came from .env (to redact from every message). */
  secrets: string[];
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function substitutePlaceholders(
  doc: Document,
  lc: LineCounter,
  dotenv: Record<string, string>,
  env: NodeJS.ProcessEnv,
): SubstituteResult {
  const missing: Placeholder[] = [];
  const secrets = new Set<string>();
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const pos = lc.linePos(node.range?.[0] ?? 0);
      node.value = node.value.replace(PLACEHOLDER, (whole, name: string) => {
        if (name in dotenv) {
          const v = dotenv[name]!;
          secrets.add(v);
          return v;
        }
        const v = env[name];
        if (v !== undefined) return v;
        missing.push({ name, line: pos.line, col: pos.col });
        return whole;
      });
    },
  });
  return { missing, secrets: [...secrets] };
}
