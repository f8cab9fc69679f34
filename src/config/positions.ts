// Where a key path is in the file, for `file:line:col` in every config message.
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export function positionOf(
  doc: Document,
  lc: LineCounter,
  path: readonly (string | number)[],
): { line: number; col: number } {
  // Walk as deep as the path exists; a missing key points at its parent mapping.
  let node: unknown = doc.contents;
  let found: Node | null = (doc.contents as Node | null) ?? null;
  for (const key of path) {
    if (isMap(node)) {
      // The last pair with this key: it is the one that counts (duplicate keys: the last wins).
      const pair = node.items.findLast((it) => isScalar(it.key) && String(it.key.value) === String(key));
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

export function positionOfNode(node: Node, lc: LineCounter): { line: number; col: number } {
  return lc.linePos(node.range?.[0] ?? 0);
}
