// The JSON Schema is the single source of the config's TypeScript types: this generates
// src/config/types.gen.ts from schema/mymlops.schema.json. `--check` fails when the file is stale.
import { compile } from 'json-schema-to-typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schema', 'mymlops.schema.json'), 'utf8'));
const target = join(root, 'src', 'config', 'types.gen.ts');
const ts = await compile(schema, 'MymlopsConfigFile', {
  bannerComment:
    '/* Generated from schema/mymlops.schema.json by scripts/gen-config-types.mjs. Do not edit by hand. */',
  additionalProperties: false,
  style: { singleQuote: true, printWidth: 110 },
});
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== ts) {
    console.error(
      'src/config/types.gen.ts is out of date with schema/mymlops.schema.json — run `npm run gen:types`',
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, ts);
}
