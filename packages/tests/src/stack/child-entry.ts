// Child-process entry: runs the stack scenarios in a fresh process that never creates a
// memory (so no signal handler can have been installed) and prints the report as JSON.
import { runAll } from './scenarios.js';

const report = await runAll({ storm: 2000 });
process.stdout.write(JSON.stringify(report));
