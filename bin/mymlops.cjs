#!/usr/bin/env node
// The executable: runs the bundle dist/cli/cli.cjs through V8's code cache.
//
// Why by hand: Node 20 has no module.enableCompileCache, and caches made when a script is compiled
// (v8-compile-cache) hold only the few functions V8 compiles eagerly. Start-up time here goes to
// compiling the functions a run actually calls (commander, yaml, the config validator, the command):
// ~40 ms of the ~300 ms `commit` launch path. So the cache is made at the end of a run, when it holds
// them, one file per command, and used by later runs of that command. V8 checks each cache against
// the source and its own version and flags; a rejected cache is ignored and replaced. Any file error
// just means no cache. MYMLOPS_CODE_CACHE=0 turns it off. CommonJS on purpose: scripts/build.mjs.
'use strict';
// Everything mymlops creates (MYMLOPS_HOME, the mirror git writes, a local job's files) is private
// to the user; src/util/private-fs.ts says the rest.
process.umask(0o077);
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { homedir } = require('node:os');
const { dirname, join, resolve } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, '..', 'dist', 'cli', 'cli.cjs');

function cacheFile() {
  if (process.env.MYMLOPS_CODE_CACHE === '0') return null;
  // The rule of mymlopsHome() in src/util/paths.ts, needed before the bundle that holds it is loaded.
  const home = process.env.MYMLOPS_HOME ? resolve(process.env.MYMLOPS_HOME) : join(homedir(), '.mymlops');
  const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const command = word && /^[a-z][a-z_-]{0,30}$/.test(word) ? word : 'other';
  return join(home, 'cache', 'code', `${command}.v8`);
}

function run() {
  const source = readFileSync(file, 'utf8');
  const cachePath = cacheFile();
  let cachedData;
  try {
    if (cachePath) cachedData = readFileSync(cachePath);
  } catch {}
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachePath) {
    const had = cachedData && !script.cachedDataRejected ? cachedData.length : 0;
    process.once('exit', () => {
      try {
        // The cache grows towards the union of what runs of this command compile (an early run that
        // failed on a typo must not pin a cache without the launch path); unchanged, it is not written.
        const data = script.createCachedData();
        if (data.length <= had * 1.01) return;
        mkdirSync(dirname(cachePath), { recursive: true });
        // Many runs may end at once: each writes its own file and renames it into place.
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, data);
        renameSync(tmp, cachePath);
      } catch {}
    });
  }
  const mod = { exports: {} };
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
}

run();
