// Chooses the compute backend from config.backend. The gce backend registers itself here (issue 5).
import type { Config } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { mymlopsHome } from '../../util/paths.js';
import type { BackendKind } from '../../core/model.js';
import { LocalBackend } from './local/local.js';
import type { ComputeBackend } from './types.js';

export function createBackend(
  config: Pick<Config, 'backend'> | { backend: BackendKind },
  home: string = mymlopsHome(),
): ComputeBackend {
  switch (config.backend) {
    case 'local':
      return new LocalBackend(home);
    case 'gce':
      throw new UserError(
        'the gce backend is not available yet',
        'set `backend: local` in mymlops.yml to run on this machine',
      );
  }
}
