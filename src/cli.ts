// The executable's entry (bin/mymlops.cjs requires the built copy of this file, dist/cli/cli.cjs).
import { main } from './program.js';

void main(process.argv).then((code) => {
  process.exitCode = code;
});
