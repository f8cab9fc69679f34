// What several benches share: the built dashboard server they open in Chromium, and their figures
// printed as aligned columns.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built dashboard server (_dashboard-server.mjs) started with `args`, once it prints its URL. */
export async function startBenchDashboard(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(join(import.meta.dirname, '..', 'dist', 'dashboard', 'server', 'server.js')))
    throw new Error('dist/ is missing: run `npm run bench` (it builds first)');
  const child = spawn(process.execPath, [join(import.meta.dirname, '_dashboard-server.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
    setTimeout(() => reject(new Error('server did not start')), 30_000);
  });
  return { child, url };
}

/** Rows of cells (the first one the header) on stdout, each column as wide as its widest cell. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(w[i]!)).join('  ')}\n`);
}
