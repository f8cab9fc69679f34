import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where mymlops keeps its state: local jobs, caches, bare repos made by `init`. */
export function mymlopsHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = env['MYMLOPS_HOME'];
  return h ? resolve(h) : join(homedir(), '.mymlops');
}
