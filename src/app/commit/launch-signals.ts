// Ctrl-C and SIGTERM while a commit is being launched. Before any create request was sent the
// launch is aborted and undone (the snapshot ref and job folder removed: nothing can exist); once one
// was, the machine may exist and its `launching` record already says where: the CLI says how to
// reach it and exits at once. A second signal always exits at once.
import type { LaunchStep } from '../../core/commit/launch-record.js';
import { EXIT } from '../../errors.js';
import { debug } from '../../util/log.js';

export interface LaunchGuard {
  signal: AbortSignal;
  /** Pass as CommitDeps.onStep: logs each step under --verbose and tracks whether a VM may exist. */
  onStep(s: LaunchStep): void;
  dispose(): void;
}

export function launchGuard(
  o: { write(line: string): void; exit?: (code: number) => never } = {
    write: (l) => process.stderr.write(l),
  },
): LaunchGuard {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let commitId: string | null = null;
  // Set once a create request was sent: from then on the machine may exist (or does).
  let machine: { name: string; zone: string | null; launched: boolean } | null = null;
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals++;
    debug('launch', `${name} received`);
    if (machine && commitId) {
      const where = `${machine.name}${machine.zone ? ` in ${machine.zone}` : ''}`;
      o.write(
        machine.launched
          ? `\nmymlops: commit ${commitId} is running on ${where} — follow it: mymlops logs ${commitId} -f; stop it: mymlops cancel ${commitId}\n`
          : `\nmymlops: interrupted: commit ${commitId} may be starting on ${where} — see it with \`mymlops status\`, stop it with \`mymlops cancel ${commitId}\`\n`,
      );
      exit(EXIT.interrupted);
    }
    if (signals > 1) exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    onStep(s) {
      debug('launch', 'step', s.step, ...('machine' in s ? [s.machine, s.zone ?? ''] : []));
      if (s.step === 'launch') commitId = s.commitId;
      if (s.step === 'insert') machine = { name: s.machine, zone: s.zone, launched: false };
      if (s.step === 'launched') machine = { name: s.machine, zone: s.zone, launched: true };
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
