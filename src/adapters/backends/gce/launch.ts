// The launch loop: try the ranked zones in order until one takes the VM, failing over per the
// classified error (zone stockout → next zone, regional quota → skip the region, global → stop).
// Each attempt sends the plan placed in its zone (placePlan): zone, spot price, zones tried so far.
// The loop never moves on while an insert's outcome is unknown (insert.ts), so a lost answer cannot
// make a second VM of one commit in another zone.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GcpConfig } from '../../../config/types.js';
import { err, ok, type Result } from '../../../errors.js';
import type { Machine, ZoneAttempt } from '../../../core/model.js';
import { creatingNotice } from '../../../core/commit/progress-line.js';
import { placePlan } from '../../../core/zones/placement.js';
import type { RankedZone } from '../../../core/zones/rank.js';
import type { GceClient } from '../../gce/client.js';
import {
  type Classified,
  classifyError,
  explain,
  GceApiError,
  GceUnavailable,
  OperationError,
} from '../../gce/errors.js';
import { jobDir, writeJson } from '../../store/jobs.js';
import type { LaunchFailure, LaunchHooks, LaunchPlan, Launched } from '../../../core/ports/backend.js';
import { instanceBody } from './instance-body.js';
import { insertOrAdopt, NameTaken } from './insert.js';

export interface LaunchContext {
  client: GceClient;
  gcp: GcpConfig;
  home: string;
  notify: (line: string) => void;
  /** Deploy key contents by name (read once before the loop). */
  keys: Record<string, string>;
  /** Called with the zone that took the VM. */
  onLaunched: (machineName: string, zone: string) => void;
}

export async function launchInZones(
  ctx: LaunchContext,
  plan: LaunchPlan,
  zones: RankedZone[],
  hooks: LaunchHooks = {},
): Promise<Result<Launched, LaunchFailure>> {
  const c = ctx.client;
  const tried: ZoneAttempt[] = [];
  const blockedRegions = new Set<string>();
  let lastFailure: Classified | null = null;
  for (const z of zones) {
    if (blockedRegions.has(z.region)) continue;
    if (hooks.signal?.aborted)
      return err({
        code: 'interrupted',
        message: 'interrupted before a VM was asked for',
        zonesTried: tried,
      });
    const body = instanceBody({
      plan: placePlan(plan, { zone: z.zone, hourlyUsd: z.hourly, zonesTried: tried }),
      project: c.project,
      zone: z.zone,
      gcp: ctx.gcp,
      keys: ctx.keys,
    });
    ctx.notify(
      creatingNotice(
        plan.machineName,
        z.zone,
        z.hourly !== null
          ? `${plan.instance?.spot ? 'spot' : 'on-demand'} ≈ $${z.hourly.toFixed(3)}/h`
          : null,
      ),
    );
    // Recorded by the caller before the request leaves: from here on the VM may exist.
    const requestId = randomUUID();
    hooks.onAttempt?.({ machine: plan.machineName, zone: z.zone, requestId });
    try {
      const ins = await insertOrAdopt(c, z.zone, body, requestId, plan);
      if (ins.op) await c.waitOperation(z.zone, ins.op);
      else ctx.notify(`mymlops: ${plan.machineName} already exists in ${z.zone} for this launch: using it`);
      ctx.onLaunched(plan.machineName, z.zone);
      const dir = plan.commitId ? jobDir(plan.commitId, ctx.home) : null;
      if (dir && existsSync(dir))
        writeJson(join(dir, 'gce.json'), {
          project: c.project,
          zone: z.zone,
          machine: plan.machineName,
          zones_tried: tried,
        });
      return ok({ machine: ins.adopted ?? launchedMachine(plan, z.zone), zonesTried: tried });
    } catch (e) {
      if (e instanceof NameTaken) return err({ code: 'exists', message: e.message, zonesTried: tried });
      if (!(e instanceof GceApiError) && !(e instanceof OperationError)) throw e;
      const cl = classifyError(e);
      // Never a quota or a permission, and no other zone would answer otherwise.
      if (cl.kind === 'rate') throw new GceUnavailable(cl.code, '', undefined, true);
      lastFailure = cl;
      tried.push({ zone: z.zone, code: cl.code, message: cl.message, scope: cl.scope });
      if (cl.scope === 'global') {
        const code =
          cl.kind === 'quota'
            ? 'quota'
            : cl.kind === 'permission'
              ? 'permission'
              : cl.kind === 'config'
                ? 'config'
                : 'other';
        return err({ code, message: explain(cl), zonesTried: tried });
      }
      if (cl.scope === 'region') blockedRegions.add(z.region);
      ctx.notify(
        `mymlops: ${z.zone}: ${cl.code}${cl.scope === 'region' ? ` (skipping region ${z.region})` : ''}`,
      );
    }
  }
  const summary = tried.map((t) => `${t.zone} (${t.code})`).join(', ');
  const anyCapacity = tried.some(
    (t) => t.code.startsWith('ZONE_RESOURCE_POOL') || t.code === 'insufficientCapacity',
  );
  return err({
    code: anyCapacity || !lastFailure || lastFailure.kind !== 'quota' ? 'no_capacity' : 'quota',
    message: `no zone could take the VM: ${summary} — try again later or widen instance.zone_regex`,
    zonesTried: tried,
  });
}

function launchedMachine(plan: LaunchPlan, zone: string): Machine {
  const base = {
    name: plan.machineName,
    backend: 'gce' as const,
    zone,
    state: 'running' as const,
    reason: null,
    createdAt: new Date().toISOString(),
    machineType: plan.instance?.machine_type ?? null,
    accelerator: plan.instance?.accelerator ?? null,
    metadata: plan.metadata,
  };
  return plan.kind === 'commit'
    ? { ...base, kind: 'commit', commitId: plan.commitId, ended: null }
    : { ...base, kind: 'start', idle: null, dev: null, stoppedAt: null, deletesAt: null, sshTarget: null };
}
