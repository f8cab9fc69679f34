// The executable's entry (bin/mymlops.js imports the built copy of this file).
import { main } from './program.js';

process.exitCode = await main(process.argv);
