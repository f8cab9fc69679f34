// Parsing YAML without risking the stack. Composing a document recurses once per nesting level, and
// a few thousand levels overflow the stack — or abort V8 outright when a regular expression is
// compiled near the limit. So the text is first parsed to its concrete syntax tree (the `yaml`
// package builds it without recursion), its depth measured, and only a text of sane depth composed.
import {
  Composer,
  type CST,
  type Document,
  type DocumentOptions,
  type LineCounter,
  type ParseOptions,
  Parser,
  type SchemaOptions,
  YAMLParseError,
} from 'yaml';

/** Deeper than any mymlops.yml (4 levels) or parameter value sensibly needs. */
export const MAX_YAML_DEPTH = 64;

type Item = { key?: CST.Token | null; value?: CST.Token | null };

/** The offset of the first collection nested deeper than MAX_YAML_DEPTH, or null. */
export function tooDeep(tokens: readonly CST.Token[]): number | null {
  const stack: { t: CST.Token | null | undefined; depth: number }[] = tokens.map((t) => ({ t, depth: 0 }));
  while (stack.length > 0) {
    const { t, depth } = stack.pop()!;
    if (!t) continue;
    if (t.type === 'document') stack.push({ t: t.value, depth });
    else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (depth + 1 > MAX_YAML_DEPTH) return t.offset;
      for (const item of t.items as Item[])
        stack.push({ t: item.key, depth: depth + 1 }, { t: item.value, depth: depth + 1 });
    }
  }
  return null;
}

export type ParsedYaml = { ok: true; doc: Document } | { ok: false; tooDeepAt: number };

/** `parseDocument`, refusing a text nested deeper than MAX_YAML_DEPTH before composing it. */
export function parseYaml(
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions & { lineCounter?: LineCounter } = {},
): ParsedYaml {
  const tokens = [...new Parser(options.lineCounter?.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep !== null) return { ok: false, tooDeepAt: deep };
  let doc: Document | null = null;
  for (const d of new Composer(options).compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      const at = [d.range[0], d.range[1]] as [number, number];
      doc.errors.push(
        new YAMLParseError(
          at,
          'MULTIPLE_DOCS',
          'the file holds more than one YAML document (a second `---`)',
        ),
      );
      break;
    }
  }
  return { ok: true, doc: doc! };
}
