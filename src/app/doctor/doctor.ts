// Runs core's doctor plan: each check in order, skipped when a check it needs failed first.
import type { Config } from '../../config/types.js';
import {
  blockedBy,
  canCommit,
  type CheckId,
  type CheckResult,
  planChecks,
  resultLine,
  skipped,
  type Verdict,
} from '../../core/doctor/checks.js';
import { sshOptionsFromEnv } from '../context.js';
import { GCE_CHECKS, type GceState } from './gce.js';
import { GIT_CHECKS } from './git.js';

/** One check's verdict: the repositories' checks need the commit section, the others ask Compute Engine. */
async function check(id: CheckId, config: Config, state: GceState, sshOptions: string[]): Promise<Verdict> {
  if (id !== 'code-repo' && id !== 'output-repo') return GCE_CHECKS[id]!(state);
  if (!config.commit)
    return {
      state: 'fail',
      detail: 'mymlops.yml has no commit section',
      fix: 'add one (see the README\'s "Config")',
    };
  return GIT_CHECKS[id](config, sshOptions);
}

export async function runDoctor(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  onResult: (r: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const specs = planChecks({
    backend: config.backend,
    accelerator: config.commit?.instance?.accelerator ?? null,
  });
  const state: GceState = { env, config };
  const sshOptions = sshOptionsFromEnv(env);
  const done: CheckResult[] = [];
  for (const spec of specs) {
    const by = blockedBy(spec, done);
    let r: CheckResult;
    if (by) r = skipped(spec, by);
    else {
      const v = await check(spec.id, config, state, sshOptions);
      r = { id: spec.id, label: spec.label, blocking: spec.blocking, ...v };
    }
    done.push(r);
    onResult(r);
  }
  return done;
}

/** Runs the checks and prints them (a line each as it ends, or JSON at the end); true when ready. */
export async function reportDoctor(
  config: Config,
  json: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const results = await runDoctor(config, env, (r) => {
    if (!json) process.stdout.write(`${resultLine(r)}\n`);
  });
  const ready = canCommit(results);
  if (json) process.stdout.write(`${JSON.stringify({ ready, checks: results }, null, 2)}\n`);
  else process.stdout.write(ready ? 'ready: a commit can run\n' : 'not ready: fix the ✘ lines above\n');
  return ready;
}
