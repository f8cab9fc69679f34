// Chooses the compute backend from config.backend: one case per implementation of ComputeBackend.
import type { Config } from '../../config/types.js';
import { mymlopsHome } from '../../util/paths.js';
import type { BackendKind } from '../../core/model.js';
import { GceBackend } from './gce/gce.js';
import { LocalBackend } from './local/local.js';
import type { ComputeBackend } from '../../core/ports/backend.js';

export function createBackend(
  config: Pick<Config, 'backend'> | { backend: BackendKind },
  home: string = mymlopsHome(),
): ComputeBackend {
  switch (config.backend) {
    case 'local':
      return new LocalBackend(home);
    case 'gce':
      // The gcp section (project, network) comes along when the caller passes the whole Config.
      return new GceBackend({ ...('gcp' in config ? { gcp: (config as Config).gcp } : {}), home });
  }
}
