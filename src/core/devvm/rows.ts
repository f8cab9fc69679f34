// Fills the dev-VM rows of the status snapshot (src/core/status) with what the dev machines know: port links
// (tunnel local ports on GCE, the ports themselves locally), tunnel state, ssh / log commands and
// the watchdog's countdown. Pure: the tunnel states come in as a snapshot.
import type { Config } from '../../config/types.js';
import type { DevVmRow } from '../status/types.js';
import { logCommand, sshCommand } from './access.js';
import { deletesInText } from './autodown.js';
import { commandEnded, devStateLabel } from './dev-state.js';
import { describeIdle, type WatchdogState } from './watchdog.js';
import { isRunning, isStopped } from '../machine-state.js';

export interface TunnelView {
  /** Remote port → local port assigned to a VM. */
  ports(name: string): Record<string, number>;
  statuses(name: string): { remote: number; state: 'up' | 'reconnecting' | 'down'; error: string | null }[];
}

export interface DecorateContext {
  config: Config;
  /** Local backend: where dev machines' clones are (<home>/dev/<name>/repo). */
  localRepoDir(name: string): string;
  tunnels: TunnelView | null;
  /** For "deletes in 2d 3h"; default: now. */
  now?: Date;
}

export function idleText(
  row: Pick<DevVmRow, 'idle' | 'state' | 'reason' | 'deletes_at'>,
  now: Date = new Date(),
): string | null {
  if (isStopped(row) && row.deletes_at) return deletesInText(row.deletes_at, now);
  if (isStopped(row) && row.reason === 'idle') return 'stopped (idle)';
  if (!isRunning(row) || !row.idle) return null;
  const i = row.idle;
  const st = (i.state ?? 'idle') as WatchdogState['state'];
  return describeIdle({
    state: st,
    idle_seconds: i.idle_seconds,
    stops_in_seconds: i.stops_in_seconds,
    timeout: 0,
    action: i.action ?? 'stop',
    reasons: i.reasons ?? '',
    updated_at: i.updated_at,
  });
}

export function decorateDevVmRows(rows: DevVmRow[], ctx: DecorateContext): DevVmRow[] {
  const remote = ctx.config.dashboard.tunnel?.remote_ports ?? [];
  return rows.map((row) => {
    const running = isRunning(row);
    let ports: DevVmRow['ports'];
    if (row.backend === 'local') {
      ports = remote.map((p) => ({
        remote: p,
        local: p,
        url: running ? `http://localhost:${p}/` : null,
        state: running ? 'up' : 'down',
      }));
    } else {
      const assigned = ctx.tunnels?.ports(row.name) ?? {};
      const states = ctx.tunnels?.statuses(row.name) ?? [];
      ports = remote.map((p) => {
        const local = assigned[String(p)] ?? null;
        const t = states.find((s) => s.remote === p);
        return {
          remote: p,
          local,
          url: running && local !== null ? `http://localhost:${local}/` : null,
          state: running && t ? t.state : 'down',
          error: running ? (t?.error ?? null) : null,
        };
      });
    }
    return {
      ...row,
      ports,
      state_label: devStateLabel(row),
      idle_text: idleText(row, ctx.now ?? new Date()),
      ssh_command: sshCommand(row, { repoDir: ctx.localRepoDir(row.name), project: ctx.config.gcp.project }),
      logs_command: logCommand(row.name),
    };
  });
}

/** The dev-machine section of `mymlops status` (empty string when there are none). */
export function renderDevVms(
  rows: DevVmRow[],
  paint: { bold(s: string): string; dim(s: string): string } = { bold: (s) => s, dim: (s) => s },
): string {
  if (rows.length === 0) return '';
  const lines = [paint.bold('dev machines')];
  for (const r of rows) {
    const where = r.zone ?? r.backend;
    const label = r.state_label ?? devStateLabel(r);
    const idle = r.idle_text && r.idle_text !== label ? `  ${r.idle_text}` : '';
    lines.push(`  ${r.name}  ${where}  ${label}${idle}`);
    for (const p of r.ports)
      if (p.url)
        lines.push(`    ${p.url}  → :${p.remote}${r.backend === 'local' ? '' : ` (tunnel ${p.state})`}`);
    if (r.ssh_command) lines.push(paint.dim(`    ${r.ssh_command}`));
    if (commandEnded(r.dev)) for (const l of r.dev?.log_tail ?? []) lines.push(paint.dim(`    | ${l}`));
  }
  return `${lines.join('\n')}\n`;
}
