// Where a VM's boot disk comes from: instance.snapshot or instance.image, as the paths the API
// takes in `initializeParams.sourceSnapshot` / `sourceImage` (a family path means its newest image,
// resolved by Compute Engine at insert time and by images.getFromFamily for a preview).
import type { Instance } from '../../../config/types.js';
import { imagePath } from '../../../core/boot-image.js';

/**
 * What a Deep Learning VM image reads at first boot to install the NVIDIA driver itself (its own
 * mechanism; the startup script runs after it).
 */
export const DLVM_DRIVER_KEY = 'install-nvidia-driver';

export function snapshotPath(snapshot: string): string {
  return snapshot.includes('/') ? snapshot : `global/snapshots/${snapshot}`;
}

/** The boot disk's source field of `initializeParams`. */
export function bootSource(inst: Pick<Instance, 'snapshot' | 'image'>): {
  sourceSnapshot?: string;
  sourceImage?: string;
} {
  if (inst.image) return { sourceImage: imagePath(inst.image) };
  return { sourceSnapshot: snapshotPath(inst.snapshot ?? '') };
}
