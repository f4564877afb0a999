// Child-process entry: runs the stack scenarios in a fresh process that never creates a
// memory (so no signal handler can have been installed) and prints the report as JSON.
// argv[2], if given, is the RunOptions as JSON.
import { runAll, type RunOptions } from './scenarios.js';

const options = JSON.parse(process.argv[2] ?? '{ "storm": 2000 }') as RunOptions;
const report = await runAll(options);
process.stdout.write(JSON.stringify(report));
