import { packageJson } from './util/package-root.js';

export const VERSION: string = packageJson().version;
