#!/usr/bin/env node
// The `wasmjit` command: run, explore, compile. Each subcommand parses its own options and
// returns the exit status; this file only picks the subcommand.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { helpText, type CommandSpec } from './args.js';
import { RUN, runCommand } from './run.js';
import { EXPLORE, exploreCommand } from './explore.js';
import { COMPILE, compileCommand } from './compile.js';
import { CACHE, cacheCommand } from './cache.js';
import { WAST, wastCommand } from './wast.js';
import { Exit, err, out } from './io.js';

const COMMANDS: { spec: CommandSpec; main: (argv: readonly string[]) => number | Promise<number> }[] = [
  { spec: RUN, main: runCommand },
  { spec: EXPLORE, main: exploreCommand },
  { spec: COMPILE, main: compileCommand },
  { spec: CACHE, main: cacheCommand },
  { spec: WAST, main: wastCommand },
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 4;
  return [
    'wasmjit: a WebAssembly JIT for Node.js (x86-64)',
    '',
    'usage: wasmjit <command> [options] <module.wasm|module.wat> ...',
    '       wasmjit <module.wasm> [args...]        (same as wasmjit run)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    `  ${'help'.padEnd(width)}help for a command: wasmjit help run`,
    '',
    "Each command takes --help. The exit status is the program's, 134 after a trap, 1 on an",
    'error, 2 on a bad command line.',
  ].join('\n') + '\n';
}

function version(): string {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

export function main(argv: readonly string[]): number | Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    out(overview());
    return first === undefined ? Exit.Usage : Exit.Ok;
  }
  if (first === '--version' || first === '-V') {
    out(`wasmjit ${version()}\n`);
    return Exit.Ok;
  }
  if (first === 'help') {
    const cmd = COMMANDS.find((c) => c.spec.name === rest[0]);
    out(cmd ? helpText(cmd.spec) : overview());
    return Exit.Ok;
  }
  const cmd = COMMANDS.find((c) => c.spec.name === first);
  if (cmd) return cmd.main(rest);
  // `wasmjit [run options] prog.wasm ...` runs it, as `wasmtime prog.wasm` does.
  if (first.startsWith('--') || first.endsWith('.wasm') || first.endsWith('.wat') || existsSync(first)) return runCommand(argv);
  err(`error: unknown command '${first}'\nsee: wasmjit --help\n`);
  return Exit.Usage;
}

const status = main(process.argv.slice(2));
if (typeof status === 'number') process.exitCode = status;
else void status.then((code) => (process.exitCode = code));
