// What every command handler may need from the global options, resolved lazily.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function config(cmd: Command): Config {
  return loadConfig({ file: globals(cmd).config });
}
