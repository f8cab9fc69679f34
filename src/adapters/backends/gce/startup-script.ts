// The startup script of commit VMs: assets/gce/commit-startup.sh (fetches the job from instance
// metadata, runs it once, then deletes its VM unless `mymlops-keep`). The metadata keys below are
// what the script reads; the values travel in instance metadata, never in the script text.
import { gceStartupScript } from './vm-prelude.js';

/** Metadata keys (after the `mymlops-` prefix) the backend reserves; never shown as commit metadata. */
export const RESERVED_KEYS = [
  'job-script',
  'job-json',
  'key-repository',
  'key-output',
  'keep',
  'max-duration',
] as const;
/** The last line the startup script prints (its DONE_MARKER after vm()'s prefix). */
export const VM_DONE_MARKER = 'mymlops-vm: startup script done';

export function startupScript(): string {
  return gceStartupScript('commit-startup');
}

/**
 * The shutdown script of commit VMs (metadata key `shutdown-script`): assets/gce/commit-shutdown.sh.
 * The guest agent runs it at a soft-off while the network is up; its startup unit signals only the
 * script runner then, so this is what tells the job to push what it has and stop.
 */
export function shutdownScript(): string {
  return gceStartupScript('commit-shutdown');
}
