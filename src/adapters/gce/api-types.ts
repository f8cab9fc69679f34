// The one home of Compute Engine v1 types: the generated wire types (compute-v1.gen.ts, from gcloud's
// compute_v1_messages.py) and the few refinements of what GCE always returns on a resource it
// answers with. Request bodies are the generated types as they are, so a misspelt field or enum
// value in a body fails type checking.
import type * as V1 from './compute-v1.gen.js';

export type * from './compute-v1.gen.js';

/** `T` with the fields `K` present, as GCE returns them on every read of that resource. */
export type Returned<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };

export type MetadataItem = Required<NonNullable<V1.Metadata['items']>[number]>;
export type InstanceStatus = NonNullable<V1.Instance['status']>;
export type ProvisioningModel = NonNullable<V1.Scheduling['provisioningModel']>;

/** An instance as GET / list return it. */
export type InstanceResource = Returned<
  Omit<V1.Instance, 'metadata'> & { metadata?: Omit<V1.Metadata, 'items'> & { items?: MetadataItem[] } },
  'id' | 'name' | 'zone' | 'status' | 'machineType' | 'creationTimestamp'
>;

/** A zone operation as insert, stop, delete, setMetadata and wait return it. */
export type Operation = Returned<V1.Operation, 'name' | 'operationType' | 'status'>;

/** An aggregated list page: `items` keyed by scope (`zones/Z`), each scope's list under `key`. */
export interface AggregatedPage<K extends string, T> {
  items?: Record<string, { [P in K]?: T[] } & { warning?: V1.InstanceAggregatedList['warning'] }>;
  nextPageToken?: string;
}

/** The query of a request message: its fields as strings (path fields excluded by the caller). */
export type Query<R> = { [P in keyof R]?: string };
