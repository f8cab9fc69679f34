// The startup script of GCE dev VMs (`mymlops start`): assets/gce/dev-startup.sh, which runs at
// every boot and never deletes the VM.
import { gceStartupScript } from './vm-prelude.js';

export function devStartupScript(): string {
  return gceStartupScript('dev-startup');
}

/** The shutdown script of dev VMs (`shutdown-script`): stops the start command cleanly at a soft-off. */
export function devShutdownScript(): string {
  return gceStartupScript('dev-shutdown');
}
