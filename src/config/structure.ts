// One pass over the parsed YAML (its depth already bounded: yaml-depth.ts), before any value is
// built, for what the `yaml` package would otherwise report badly or slowly: a mapping or list used
// as a key (PyYAML refused it as unhashable; `yaml` only printed a
// raw Node warning), an alias to an anchor not defined above it, and duplicate keys (PyYAML kept
// the last one silently; mymlops does too and warns). Iterative and linear in the document size.
import { type Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

export type StructureProblem =
  | { kind: 'complex-key'; node: Node; path: (string | number)[] }
  | { kind: 'unknown-alias'; node: Node; name: string }
  | { kind: 'unsupported-tag'; node: Node; tag: string };

/** Tags PyYAML reads as lists of pairs, a type a config has no use for (JavaScript reads them otherwise). */
const UNSUPPORTED_TAGS = new Set(['tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs']);

export interface StructureReport {
  problem: StructureProblem | null;
  duplicates: { node: Node; path: (string | number)[] }[];
}

export function checkStructure(doc: Document): StructureReport {
  const duplicates: StructureReport['duplicates'] = [];
  const anchors = new Map<string, Node>();
  type Entry = { node: unknown; path: (string | number)[]; isKey?: boolean };
  const stack: Entry[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path, isKey } = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return { problem: { kind: 'unknown-alias', node, name: node.source }, duplicates };
      if (isKey && isCollection(target)) return { problem: { kind: 'complex-key', node, path }, duplicates };
      continue;
    }
    if (isKey && isCollection(node)) return { problem: { kind: 'complex-key', node, path }, duplicates };
    const tag = (node as { tag?: string }).tag;
    if (tag && UNSUPPORTED_TAGS.has(tag))
      return { problem: { kind: 'unsupported-tag', node: node as Node, tag }, duplicates };
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node as Node);
    const next: Entry[] = [];
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        const name = isScalar(key) ? String(key.value) : isAlias(key) ? `*${key.source}` : String(key ?? '');
        if (name !== '<<' && seen.has(name)) duplicates.push({ node: key as Node, path: [...path, name] });
        seen.add(name);
        next.push({ node: key, path, isKey: true });
        next.push({ node: pair.value, path: [...path, name] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        // `[a: 1]` holds a one-pair mapping.
        if (isPair(item))
          next.push({ node: item.key, path, isKey: true }, { node: item.value, path: [...path, i] });
        else next.push({ node: item, path: [...path, i] });
      });
    }
    // Visit in document order: an anchor counts for the aliases after it.
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return { problem: null, duplicates };
}
