// Compiled by `npm run check` (tsconfig includes test/): each `@ts-expect-error` line must stay an
// error, or tsc fails on the unused directive. api-types.test.ts also compiles this file with the
// directives removed and checks which errors tsc reports.
import type { Instance, Metadata, Scheduling } from '../../../../src/adapters/gce/api-types.js';

export const scheduling: Scheduling = {
  // @ts-expect-error provisioningModel is an enum: SPOT, STANDARD, RESERVATION_BOUND
  provisioningModel: 'SPOTT',
  automaticRestart: false,
};

export const body: Instance = {
  name: 'vm',
  // @ts-expect-error the field is machineType
  machinetype: 'zones/us-west1-b/machineTypes/e2-medium',
  scheduling: { onHostMaintenance: 'TERMINATE', instanceTerminationAction: 'STOP' },
};

export const metadata: Metadata = {
  // @ts-expect-error metadata entries are {key, value}
  items: [{ key: 'k', val: 'v' }],
};
