// Runs the mocha suite and ends with one plain line of its counts:
// `tests: N passed, N failed` (CI reads that line). Extra args go to mocha; `--stress` as the
// first argument runs the long *.stress.js files instead of the *.test.js ones.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const testsDir = path.join(root, 'packages', 'tests');
const require = createRequire(path.join(testsDir, 'package.json'));
const mochaBin = require.resolve('mocha/bin/mocha.js');
const stress = process.argv[2] === '--stress';
const files = stress ? 'dist/**/*.stress.js' : 'dist/**/*.test.js';
const args = [mochaBin, '--reporter', stress ? 'spec' : 'dot', '--timeout', '120000', files, ...process.argv.slice(stress ? 3 : 2)];
const child = spawn(process.execPath, args, { cwd: testsDir, stdio: ['inherit', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  out += d.toString();
});
child.on('close', (code, signal) => {
  const num = (re) => Number((out.match(re) ?? [])[1] ?? 0);
  const passed = num(/(\d+) passing/);
  const failed = num(/(\d+) failing/);
  const pending = num(/(\d+) pending/);
  const crashed = code !== 0 && failed === 0 ? 1 : 0;
  if (signal) console.log(`mocha was killed by ${signal}`);
  console.log(`tests: ${passed} passed, ${failed + crashed} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exitCode = code ?? 1;
});
