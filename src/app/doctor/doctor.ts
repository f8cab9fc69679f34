// Runs core's doctor plan: each check in order, skipped when a check it needs failed first.
import type { Config } from '../../config/types.js';
import {
  blockedBy,
  canCommit,
  type CheckResult,
  planChecks,
  resultLine,
  skipped,
} from '../../core/doctor/checks.js';
import { sshOptionsFromEnv } from '../context.js';
import { GCE_CHECKS, type GceState } from './gce.js';
import { GIT_CHECKS } from './git.js';

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
      const v =
        spec.id === 'code-repo' || spec.id === 'output-repo'
          ? config.commit
            ? await GIT_CHECKS[spec.id](config, sshOptions)
            : {
                state: 'fail' as const,
                detail: 'mymlops.yml has no commit section',
                fix: 'add one (see the README\'s "Config")',
              }
          : await GCE_CHECKS[spec.id]!(state);
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
