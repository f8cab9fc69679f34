// Resolves a dev machine NAME for stop/delete/ssh: the backend it lives on (its record in
// <home>/dev/<name>/, else the config's backend) and the names known here.
import type { Command } from 'commander';
import { findDevMachine, forgetDevMachine } from '../../adapters/backends/local/devvm.js';
import type { Config } from '../../config/types.js';
import { knownDevNames } from '../../adapters/store/known-ids.js';
import type { DevTarget } from '../../core/devvm/lifecycle.js';
import { mymlopsHome } from '../../util/paths.js';
import { backendFor } from '../context.js';
import { config } from '../options.js';

export interface DevTargetFor extends DevTarget {
  home: string;
  config: Config | null;
  /** Forgets the machine's record here once it is deleted. */
  forget(): void;
}

export function devTarget(cmd: Command, name: string): DevTargetFor {
  const home = mymlopsHome();
  const rec = findDevMachine(home, name);
  let cfg: Config | null = null;
  try {
    cfg = config(cmd);
  } catch (e) {
    // Without a config a machine recorded here can still be reached; an unknown one cannot.
    if (!rec) throw e;
  }
  const kind = rec?.backend ?? cfg!.backend;
  const backend = cfg?.backend === kind ? backendFor(cfg, home) : backendFor({ backend: kind }, home);
  return {
    backend,
    home,
    config: cfg,
    known: knownDevNames(home),
    forget: () => forgetDevMachine(home, name),
  };
}
