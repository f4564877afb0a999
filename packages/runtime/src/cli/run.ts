// `wasmjit run`: a WASI command's _start, or one export with --invoke.
import { WASI } from '../wasi/wasi.js';
import type { Imports } from '../instance-build.js';
import type { MemoryLike } from '../wasi/guest-memory.js';
import { UsageError, byteCount, helpText, optionValue, parseArgs, type CommandSpec, type ParsedArgs, hasFlag } from './args.js';
import { CliError, exportedFunction, loadGuest, readModule, type EngineKind, type Guest } from './load.js';
import { formatValue, parseValue, typeName } from './values.js';
import { reportFailure } from './failure.js';
import { Exit, out } from './io.js';
import { LIMIT_OPTIONS, hasLimits, parseLimits } from './limits.js';

export const RUN: CommandSpec = {
  name: 'run',
  usage: '[options] <module.wasm> [--] [args...]',
  summary: 'run a WASI command, or call one export with --invoke',
  options: [
    { name: 'dir', value: 'HOST[::GUEST]', repeat: true, help: 'preopen host directory HOST, seen by the guest as GUEST (default: HOST)' },
    { name: 'env', value: 'NAME[=VALUE]', repeat: true, help: 'set an environment variable (NAME alone: copy it from this process)' },
    { name: 'invoke', value: 'NAME', help: 'call export NAME with the arguments after the module, print its results' },
    { name: 'max-wasm-stack', value: 'BYTES', help: 'machine stack wasm may use (e.g. 1048576, 4m; default 512k)' },
    { name: 'bounds-checks', value: 'MODE', choices: ['explicit', 'guard'], help: 'linear-memory bounds checks: explicit | guard' },
    { name: 'engine', value: 'NAME', choices: ['wasmjit', 'v8'], help: "wasmjit (default), or v8 to run on Node's WebAssembly for comparison" },
    { name: 'cache', help: 'load the compiled module from the code cache, or store it there (see wasmjit cache)' },
    { name: 'cache-dir', value: 'DIR', help: 'with --cache: the cache directory (default $XDG_CACHE_HOME/wasmjit, else ~/.cache/wasmjit)' },
    ...LIMIT_OPTIONS,
  ],
  stopAtPositional: true,
  details: [
    'Arguments after the module go to the program (argv[0] is the module path as given).',
    'The exit status is the one given to proc_exit (0 when _start returns). A trap prints',
    "'error: wasm trap: <code>' and the wasm backtrace on stderr and exits with 134.",
    '',
    'examples:',
    '  wasmjit run --dir ./data::/data prog.wasm -- input.txt',
    '  wasmjit run --invoke fib fib.wasm 30',
    '  wasmjit prog.wasm            (run is the default command)',
  ].join('\n'),
};

/** --dir values as node:wasi-style preopens (guest name → host path). */
function preopens(p: ParsedArgs): Record<string, string> {
  const map: Record<string, string> = {};
  for (const spec of p.values.get('dir') ?? []) {
    const sep = spec.indexOf('::');
    const host = sep < 0 ? spec : spec.slice(0, sep);
    const guest = sep < 0 ? spec : spec.slice(sep + 2);
    if (!host || !guest) throw new UsageError(`--dir ${spec}: expected HOST or HOST::GUEST`);
    map[guest] = host;
  }
  return map;
}

function environment(p: ParsedArgs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of p.values.get('env') ?? []) {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    if (!name) throw new UsageError(`--env ${spec}: expected NAME=VALUE or NAME`);
    const value = eq < 0 ? process.env[name] : spec.slice(eq + 1);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function invoke(guest: Guest, wasi: WASI, name: string, args: string[]): number {
  const { sig } = exportedFunction(guest.wasm, name);
  if (args.length !== sig.params.length) {
    const params = sig.params.map(typeName).join(' ') || 'none';
    throw new UsageError(`export "${name}" takes ${sig.params.length} argument(s) (${params}), got ${args.length}`);
  }
  const bits = args.map((a, i) => parseValue(sig.params[i]!, a));
  // WASI calls made by the export need the memory: a reactor gets its _initialize run, a
  // command only has its memory bound (its _start is not run).
  const memory = guest.exports.memory as MemoryLike | undefined;
  if (memory !== undefined && usesWasi(guest)) {
    if (typeof guest.exports._initialize === 'function') wasi.initialize(guest);
    else wasi.initialize({ exports: { memory } });
  }
  const results = guest.call(name, bits);
  out(results.map((r, i) => `${formatValue(sig.results[i]!, r)}\n`).join(''));
  return Exit.Ok;
}

function newWasi(args: string[], env: Record<string, string>, dirs: Record<string, string>): WASI {
  try {
    return new WASI({ args, env, preopens: dirs });
  } catch (e) {
    // The preopens are opened here: a missing or unreadable --dir directory.
    throw new CliError(`cannot preopen a --dir directory: ${(e as Error).message}`);
  }
}

function usesWasi(guest: Guest): boolean {
  return guest.wasm.imports.some((i) => i.module.startsWith('wasi_'));
}

export function runCommand(argv: readonly string[]): number {
  try {
    const p = parseArgs(RUN, argv);
    if (p.values.has('help')) {
      out(helpText(RUN));
      return Exit.Ok;
    }
    const [file, ...afterFile] = p.positionals;
    if (file === undefined) throw new UsageError('missing <module.wasm>');
    const rest = afterFile[0] === '--' ? afterFile.slice(1) : afterFile;
    const invokeName = optionValue(p, 'invoke');
    const bytes = readModule(file);
    const wasi = newWasi([file, ...(invokeName === undefined ? rest : [])], environment(p), preopens(p));
    const imports: Imports = wasi.getImportObject();
    const kind = (optionValue(p, 'engine') ?? 'wasmjit') as EngineKind;
    const limits = parseLimits(p);
    if (kind === 'v8' && hasLimits(limits)) throw new UsageError('--timeout and --fuel need --engine wasmjit');
    const guest = loadGuest(bytes, imports, {
      kind,
      limits,
      maxWasmStack: byteCount(p, 'max-wasm-stack'),
      boundsChecks: optionValue(p, 'bounds-checks') as 'explicit' | 'guard' | undefined,
      cache: hasFlag(p, 'cache') ? optionValue(p, 'cache-dir') ?? true : undefined,
    });
    if (invokeName !== undefined) return guest.limited(() => invoke(guest, wasi, invokeName, rest));
    if (typeof guest.exports._start !== 'function') {
      throw new CliError(`${file} is not a WASI command (no _start export); call an export with --invoke NAME`);
    }
    return guest.limited(() => wasi.start(guest));
  } catch (e) {
    return reportFailure(e, 'run');
  }
}
