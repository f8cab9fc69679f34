// Stop, resume, delete and enter a dev machine: the checks and messages around the backend's
// dev-machine operations. The backend does the work; this decides whether it may.
import type { ComputeBackend } from '../ports/backend.js';
import { UserError } from '../../errors.js';
import type { DevMachine, Machine } from '../model.js';
import { isHalted, isPresent, isRunning } from '../machine-state.js';
import { devStateLabel } from './dev-state.js';
import { unsupported } from './start.js';
import { ROOT_SHELL } from './access.js';
import { GCE_REPO_DIR } from './plan.js';
import { shQuote } from './watchdog.js';

export interface DevTarget {
  backend: ComputeBackend;
  /** Dev machine names known on this computer (for the "unknown name" line). */
  known: string[];
}

/** `name` is no dev machine: the names known here and listed by the backend are offered instead. */
function unknownDev(name: string, t: DevTarget, listed: readonly DevMachine[]): UserError {
  const known = [...new Set([...t.known, ...listed.map((x) => x.name)])].sort();
  return new UserError(
    `no dev machine named ${name}`,
    known.length ? `known: ${known.join(', ')}` : 'start one with `mymlops start --name NAME`',
  );
}

/** The dev machine `name` as the backend sees it now. */
export async function findDev(name: string, t: DevTarget): Promise<DevMachine> {
  const { m, all } = await listedDev(name, t);
  if (!m && t.known.includes(name))
    throw new UserError(
      `dev machine ${name} no longer exists (only its record here does)`,
      `forget it with \`mymlops delete ${name}\``,
    );
  if (!m) throw unknownDev(name, t, all);
  return m;
}

async function listedDev(
  name: string,
  t: DevTarget,
): Promise<{ m: DevMachine | undefined; all: DevMachine[] }> {
  const all = (await t.backend.list()).filter((x): x is DevMachine => x.kind === 'start' && isPresent(x));
  return { m: all.find((x) => x.name === name), all };
}

export async function stopDev(name: string, t: DevTarget): Promise<DevMachine> {
  const m = await findDev(name, t);
  if (isHalted(m))
    throw new UserError(
      `dev machine ${name} is already ${devStateLabel(m)}`,
      `start it again with \`mymlops start --name ${name}\``,
    );
  const dev = t.backend.capabilities.devMachines;
  if (!dev) throw unsupported('stop', t.backend);
  await dev.stopDev(name);
  return { ...m, state: 'stopped', reason: 'by_you', idle: null };
}

/** How a delete is confirmed: -y, a y/N answer on a terminal, or refused without one. */
export type Confirm = { yes: true } | { yes: false; ask: ((question: string) => Promise<boolean>) | null };

/**
 * Deletes a dev machine: the machine deleted, null when the user kept it, or 'already-gone' when it
 * is known here but no longer exists (a delete interrupted after the backend carried it out): its
 * record is then all that is left to forget.
 */
export async function deleteDev(
  name: string,
  t: DevTarget,
  confirm: Confirm,
): Promise<DevMachine | 'already-gone' | null> {
  const { m, all } = await listedDev(name, t);
  if (!m) {
    if (t.known.includes(name)) return 'already-gone';
    throw unknownDev(name, t, all);
  }
  if (!confirm.yes) {
    if (!confirm.ask)
      throw new UserError(
        `deleting dev machine ${name} needs a confirmation`,
        `run \`mymlops delete ${name} -y\` to delete it and its disk without asking`,
      );
    const where = m.zone ? ` in ${m.zone}` : '';
    if (!(await confirm.ask(`delete dev machine ${name}${where} (${devStateLabel(m)}) and its disk? [y/N] `)))
      return null;
  }
  const dev = t.backend.capabilities.devMachines;
  if (!dev) throw unsupported('delete', t.backend);
  await dev.deleteDev(name);
  return m;
}

/** The interactive shell of `mymlops ssh NAME`: a program, its arguments and where it starts. */
export interface ShellPlan {
  file: string;
  args: string[];
  cwd: string | null;
}

/** Where a commit VM's checkout is: mymlops' job folder while it runs, else the original's clone. */
const COMMIT_VM_CD = `cd /var/lib/mymlops/job/work/repo 2>/dev/null || cd ${GCE_REPO_DIR} 2>/dev/null; exec bash -l`;

export function shellPlan(
  m: Pick<Machine, 'name' | 'zone' | 'backend' | 'state'> & Partial<Pick<Machine, 'kind'>>,
  o: { repoDir: string; project: string | null; shell: string | undefined },
): ShellPlan {
  if (!isRunning(m))
    throw m.kind === 'commit'
      ? new UserError(
          `commit machine ${m.name} is not running (${m.state})`,
          'see how it ended with `mymlops status`',
        )
      : new UserError(
          `dev machine ${m.name} is not running (${m.state})`,
          `start it again with \`mymlops start --name ${m.name}\``,
        );
  if (m.backend === 'local') return { file: o.shell || 'bash', args: [], cwd: o.repoDir };
  // The clone is root's: a login shell as root, in it (a commit VM: its job's checkout).
  const inner = m.kind === 'commit' ? `sudo -i bash -c ${shQuote(COMMIT_VM_CD)}` : ROOT_SHELL;
  return {
    file: 'gcloud',
    args: [
      'compute',
      'ssh',
      m.name,
      '--zone',
      m.zone ?? '',
      ...(o.project ? ['--project', o.project] : []),
      '--',
      '-t',
      inner,
    ],
    cwd: null,
  };
}
