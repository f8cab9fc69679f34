// What `mymlops image create` needs from a compute backend (GCE: backends/gce/image-bake.ts).
import type { Instance, Repository } from '../../config/types.js';
import type { BakeStep } from '../image/bake.js';

export interface BakeVm {
  project: string;
  zone: string;
  name: string;
}

export interface BakeRequest {
  /** The VM's name. */
  name: string;
  /** The image to boot (a path or family, any project). */
  image: string;
  /** Machine type, GPUs, disk of the configured instance (its boot source is `image`). */
  instance: Instance;
  /** image.setup, or null. */
  setup: string | null;
  repository: Repository;
}

export interface Baker {
  /**
   * Creates the VM; `onCreating` runs before each insert is sent (from then on a VM may exist).
   * Resolves once the insert is done.
   */
  create(r: BakeRequest, onCreating: (vm: BakeVm) => void): Promise<BakeVm>;
  /** Waits for the VM's setup script to finish, reporting its steps; resolves with its exit status. */
  waitSetup(
    vm: BakeVm,
    installsDriver: boolean,
    onStep: (s: BakeStep) => void,
    signal: AbortSignal,
  ): Promise<number>;
  stop(vm: BakeVm): Promise<void>;
  /** Snapshots the stopped VM's boot disk as `name` (done when the snapshot is READY). */
  snapshot(vm: BakeVm, name: string): Promise<void>;
  deleteVm(vm: BakeVm): Promise<void>;
}
