// `npm run bench`: runs every bench/*.ts (except this file) in turn. Each exports `run()`, which
// prints its figures next to their baseline and target. `npm run bench -- status` runs matching files.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const f of files) {
  process.stdout.write(`\n== ${f.replace(/\.ts$/, '')} ==\n`);
  try {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') throw new Error('exports no run()');
    await mod.run();
  } catch (e) {
    failed++;
    process.stdout.write(`bench ${f} failed: ${(e as Error).stack ?? String(e)}\n`);
  }
}
process.exit(failed ? 1 : 0);
