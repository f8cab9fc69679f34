import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { envValue } from './env.js';

/** Where mymlops keeps its state: local jobs, caches, bare repos made by `init`. */
export function mymlopsHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = envValue('MYMLOPS_HOME', env);
  return h ? resolve(h) : join(homedir(), '.mymlops');
}
