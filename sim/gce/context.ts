// What every compute route module shares: the fixture, options, mutable world, the reply shapes and
// the simulator's timers (all cancelled on close, so a closed simulator never fires a late step).
import type { Fixture } from './fixture.js';
import { World } from './state.js';

export interface ComputeOptions {
  sandboxRoot: string;
  /** Delay of each boot step (PROVISIONING → STAGING → RUNNING) and of failing operations. */
  bootDelayMs: number;
  /** How long a Deep Learning VM image's first boot installs the NVIDIA driver before the startup script. */
  driverInstallMs: number;
  /** Extra environment of every VM's startup script. */
  vmEnv: Record<string, string>;
  maxVms: number;
  /** A VM still running after this long is terminated (keeps the simulator bounded). */
  vmLifetimeMs: number;
  acceptToken: (token: string) => boolean;
  /** Shutdown grace of spot/preemptible VMs on preemption or stop (GCE: 30 s). */
  spotGraceMs: number;
  /** Shutdown grace of standard VMs on stop (GCE: 120 s). */
  standardGraceMs: number;
  /** Largest page of a list or aggregated list (GCE: 500); tests make it small to exercise paging. */
  maxPageSize: number;
  /** Guest attribute queries per minute per VM (GCE: 10); past it reads get 429, writes are dropped. */
  guestAttributeQueriesPerMinute: number;
  /** A VM's service account may not call the API about its own instance (403 IAM_PERMISSION_DENIED). */
  denyVmSelfCalls: boolean;
  /** The extracted google-guest-agent package whose unit files the guests follow (guest-units.ts). */
  guestAgentDir?: string;
  base: () => string;
}

/**
 * `drop`: the request was carried out but the connection is cut before the answer (a lost response).
 * `raw`: the answer's exact bytes instead of `body` as JSON (an odd answer: empty, not JSON).
 */
export type Reply = { code: number; body: unknown; drop?: boolean; raw?: string };
export const ok = (body: unknown): Reply => ({ code: 200, body });
export const fail = (body: { error: { code: number } }): Reply => ({ code: body.error.code, body });

/** The last path segment of a (possibly full-URL) resource reference. */
export const last = (s: unknown) =>
  String(s ?? '')
    .split('/')
    .pop() ?? '';

export class SimContext {
  readonly world = new World();
  private timers = new Set<NodeJS.Timeout>();
  private isClosed = false;

  constructor(
    readonly fixture: Fixture,
    readonly opts: ComputeOptions,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  later(ms: number, fn: () => void | Promise<void>): void {
    if (this.isClosed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.isClosed) void fn();
    }, ms);
    this.timers.add(t);
  }

  /** Stops every pending timer; `later` is a no-op from now on. */
  protected shutdownTimers(): void {
    this.isClosed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  zones(): string[] {
    return Object.values(this.fixture.regions).flatMap((r) => r.zones);
  }

  link(project: string, path: string): string {
    return `${this.opts.base()}/projects/${project}/${path}`;
  }
}
