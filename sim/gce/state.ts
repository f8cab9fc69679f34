// The simulator's mutable world: instances, operations, faults. HTTP lives in server.ts.
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { Instance, InstanceStatus, Operation } from '../../src/adapters/gce/api-types.js';
import { newId, timestamp } from './shapes.js';
import type { SerialBuffer } from './vm.js';
import type { SimSnapshot } from './images.js';

export type { InstanceStatus };

export interface SimInstance {
  name: string;
  zone: string;
  id: string;
  status: InstanceStatus;
  /** The instance resource as returned by GET (status/timestamps refreshed on read). */
  body: Instance;
  preempted: boolean;
  serial: SerialBuffer;
  sandbox: string;
  child: ChildProcess | null;
  /** Tails the guest's console file into `serial` while the VM runs. */
  tail: NodeJS.Timeout | null;
  drain: (() => void) | null;
  metadataServer: Server | null;
  /** The running guest's environment (its units' commands run with it); null while powered off. */
  guestEnv?: NodeJS.ProcessEnv | null;
  createdAt: Date;
  lastStartAt: Date | null;
  lastStopAt: Date | null;
  deleted: boolean;
  /** Guest attributes `namespace/key` → value, written by the guest (kept across stop/start). */
  guestAttributes?: Map<string, string>;
  /** When the guest's recent guest-attribute reads (API) and writes (guest) happened, for the rate limit. */
  guestQueries: { reads: number[]; writes: number[] };
  /** Metadata-server requests waiting for a change (`?wait_for_change=true`). */
  metadataWaiters: Set<() => void>;
}

export interface SimOperation {
  zone: string;
  body: Operation;
}

export interface Fault {
  /** A zone, or null for every zone (GPUS_ALL_REGIONS). */
  zone: string | null;
  code: string;
  /** How the failure arrives: as the insert's HTTP error or in the finished operation. */
  via: 'http' | 'operation';
  /** Failures left before the fault clears itself (null = until cleared). */
  remaining: number | null;
}

export class World {
  readonly instances = new Map<string, SimInstance>();
  readonly operations = new Map<string, SimOperation>();
  /** instances.insert requestId → its operation (GCE ignores a request it has already completed). */
  readonly insertRequests = new Map<string, SimOperation>();
  /** Snapshots made with disks.createSnapshot, by name (images.ts). */
  readonly snapshots = new Map<string, SimSnapshot>();
  faults: Fault[] = [];
  /** API calls refused over a rate limit (faults.ts), whatever they ask. */
  rateLimits: RateLimit[] = [];
  holds: Hold[] = [];
  /** Every compute request the simulator received, bounded (newest last). */
  readonly requests: { method: string; path: string; at: number }[] = [];

  key(zone: string, name: string): string {
    return `${zone}/${name}`;
  }

  logRequest(method: string, path: string): void {
    this.requests.push({ method, path, at: performance.timeOrigin + performance.now() });
    if (this.requests.length > 2000) this.requests.splice(0, this.requests.length - 2000);
  }

  newOperation(
    base: string,
    project: string,
    zone: string,
    operationType: string,
    target: { link: string; id: string },
    user = 'mymlops@example.iam.gserviceaccount.com',
  ): SimOperation {
    const name = `operation-${Date.now()}-${Math.random().toString(16).slice(2, 15)}-${Math.random().toString(16).slice(2, 10)}`;
    const now = timestamp();
    const op: SimOperation = {
      zone,
      body: {
        kind: 'compute#operation',
        id: newId(),
        name,
        zone: `${base}/projects/${project}/zones/${zone}`,
        operationType,
        targetLink: target.link,
        targetId: target.id,
        status: 'RUNNING',
        user,
        progress: 0,
        insertTime: now,
        startTime: now,
        selfLink: `${base}/projects/${project}/zones/${zone}/operations/${name}`,
      },
    };
    this.operations.set(name, op);
    // Bounded: forget the oldest finished operations.
    if (this.operations.size > 5000) {
      for (const [k, v] of this.operations) {
        if (v.body['status'] === 'DONE') this.operations.delete(k);
        if (this.operations.size <= 4000) break;
      }
    }
    return op;
  }

  finish(op: SimOperation, error?: { code: string; message: string; http?: number }): void {
    op.body['status'] = 'DONE';
    op.body['progress'] = 100;
    op.body['endTime'] = timestamp();
    if (error) {
      op.body['error'] = { errors: [{ code: error.code, message: error.message }] };
      op.body['httpErrorStatusCode'] = error.http ?? 503;
      op.body['httpErrorMessage'] = error.http === 403 ? 'FORBIDDEN' : 'SERVICE UNAVAILABLE';
    }
  }

  /** The first fault that applies to an insert in `zone` (region faults match every zone of it). */
  fault(zone: string, region: string | null, regionOf: (z: string) => string | null): Fault | null {
    for (const f of this.faults) {
      if (f.remaining !== null && f.remaining <= 0) continue;
      if (f.code === RESPONSE_LOST) continue; // the insert works; only its answer is lost (insert.ts)
      if (f.zone === null) return f;
      if (f.zone === zone) return f;
      if (isRegional(f.code) && region !== null && regionOf(f.zone) === region) return f;
    }
    return null;
  }
}

/** Calls (matching `path`/`method`) answered as over a rate limit, `remaining` times (null: until cleared). */
export interface RateLimit {
  /** RATE_LIMIT_EXCEEDED (403 rateLimitExceeded) or QUOTA_PER_MINUTE (429 "Quota exceeded for quota metric"). */
  code: string;
  path: RegExp;
  method: string;
  remaining: number | null;
  /** How many calls it refused. */
  served: number;
}

/** An insert that is carried out but whose answer never reaches the caller (the connection drops). */
export const RESPONSE_LOST = 'RESPONSE_LOST';

/** A request held (before or after it is carried out) until the test releases it. */
export interface Hold {
  id: number;
  method: string;
  /** Matched against the request path (`/compute/v1/projects/…`). */
  path: RegExp;
  when: 'before' | 'after';
  /** Requests waiting on it now, and in all. */
  waiting: (() => void)[];
  held: number;
}

export function isRegional(code: string): boolean {
  return code === 'QUOTA_EXCEEDED';
}
