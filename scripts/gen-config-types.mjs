// The JSON Schema is the single source of truth for the config: this generates, from
// schema/mymlops.schema.json, the TypeScript types (src/config/types.gen.ts) and a precompiled ajv
// validator (src/config/validator.gen.ts) so that no command pays for compiling the schema at
// start-up. `--check` fails when either file is stale.
import { compile } from 'json-schema-to-typescript';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schema', 'mymlops.schema.json'), 'utf8'));
const banner =
  '/* Generated from schema/mymlops.schema.json by scripts/gen-config-types.mjs. Do not edit by hand. */';

const types = await compile(schema, 'MymlopsConfigFile', {
  bannerComment: banner,
  additionalProperties: false,
  style: { singleQuote: true, printWidth: 110 },
});

const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true } });
let code = standaloneCode.default(ajv, ajv.compile(schema));
// The only runtime helper ajv's standalone output needs is required CommonJS-style; import it instead.
const helper = 'require("ajv/dist/runtime/ucs2length").default';
code = code.split(helper).join('ucs2length');
if (code.includes('require('))
  throw new Error('standalone validator still requires a module: update this script');
const validator = `${banner}
// @ts-nocheck
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
const ucs2length = ucs2lengthModule.default ?? ucs2lengthModule;
${code}
`;

const outputs = [
  [join(root, 'src', 'config', 'types.gen.ts'), types],
  [join(root, 'src', 'config', 'validator.gen.ts'), validator],
];
if (process.argv.includes('--check')) {
  for (const [target, text] of outputs) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(
        `${target.slice(root.length + 1)} is out of date with schema/mymlops.schema.json — run \`npm run gen:types\``,
      );
      process.exit(1);
    }
  }
} else {
  for (const [target, text] of outputs) writeFileSync(target, text);
}
