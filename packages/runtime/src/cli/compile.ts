// `wasmjit compile`: decode, validate and compile a module without running it, and with
// --stats report sizes, phase times and throughput.
import { compileModuleCode, decodeModule, validateModule, type CompiledCode, type WasmModule } from '@wasmjit/codegen';
import { toolCompileOptions } from './engine-options.js';
import { UsageError, hasFlag, helpText, optionValue, parseArgs, type CommandSpec } from './args.js';
import { readModule } from './load.js';
import { Progress } from './progress.js';
import { reportFailure } from './failure.js';
import { Exit, out } from './io.js';

export const COMPILE: CommandSpec = {
  name: 'compile',
  usage: '[options] <module.wasm>',
  summary: 'compile a module without running it (--stats: sizes, times, MB/s)',
  options: [
    { name: 'stats', help: 'print functions, wasm and code bytes, time per phase and MB/s' },
    { name: 'bounds-checks', value: 'MODE', choices: ['explicit', 'guard'], help: 'linear-memory bounds checks: explicit | guard (default guard, as the Engine)' },
  ],
  details: [
    'On a terminal a progress bar appears when compiling takes longer than a second.',
    '',
    'example:',
    '  wasmjit compile --stats prog.wasm',
  ].join('\n'),
};

/**
 * The module with its function bodies watched: the compiler reads `codes[i]` when it starts
 * function i, which is the only progress signal it gives without changing its interface.
 */
function watchBodies(wasm: WasmModule, onStart: (done: number) => void): WasmModule {
  const codes = new Proxy(wasm.codes, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) onStart(Number(key));
      return Reflect.get(target, key, receiver);
    },
  });
  return { ...wasm, codes };
}

interface Timed {
  wasm: WasmModule;
  compiled: CompiledCode;
  ms: { decode: number; validate: number; compile: number };
}

function compileTimed(bytes: Uint8Array, boundsChecks: 'explicit' | 'guard' | undefined): Timed {
  // Unset options are the Engine's defaults (guard-page bounds checks), as in `run`.
  const { compile, features } = toolCompileOptions({ boundsChecks });
  const t0 = performance.now();
  const wasm = decodeModule(bytes, features);
  const t1 = performance.now();
  validateModule(wasm);
  const t2 = performance.now();
  const progress = new Progress(wasm.codes.length, 'compiling');
  let compiled: CompiledCode;
  try {
    compiled = compileModuleCode(watchBodies(wasm, (i) => progress.update(i)), compile);
  } finally {
    progress.finish();
  }
  const t3 = performance.now();
  return { wasm, compiled, ms: { decode: t1 - t0, validate: t2 - t1, compile: t3 - t2 } };
}

const num = (n: number) => n.toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;

function statsText(file: string, fileBytes: number, t: Timed): string {
  const { wasm, compiled } = t;
  const bodyBytes = wasm.codes.reduce((n, c) => n + (c.bodyEnd - c.offset), 0);
  const total = t.ms.decode + t.ms.validate + t.ms.compile;
  const rows: [string, string][] = [
    ['module', file],
    ['functions', `${num(wasm.codes.length)} defined, ${num(wasm.numImportedFuncs)} imported`],
    ['wasm bytes', `${num(fileBytes)} (function bodies: ${num(bodyBytes)})`],
    ['code bytes', `${num(compiled.code.length)} (${(compiled.code.length / Math.max(1, bodyBytes)).toFixed(2)}x the body bytes)`],
    ['decode', ms(t.ms.decode)],
    ['validate', ms(t.ms.validate)],
    ['compile', ms(t.ms.compile)],
    ['total', ms(total)],
    ['throughput', `${(fileBytes / 1e6 / (total / 1000)).toFixed(2)} MB/s of wasm`],
  ];
  return rows.map(([k, v]) => `${(k + ':').padEnd(13)}${v}\n`).join('');
}

export function compileCommand(argv: readonly string[]): number {
  try {
    const p = parseArgs(COMPILE, argv);
    if (hasFlag(p, 'help')) {
      out(helpText(COMPILE));
      return Exit.Ok;
    }
    const [file, ...extra] = p.positionals;
    if (file === undefined) throw new UsageError('missing <module.wasm>');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const bytes = readModule(file);
    const t = compileTimed(bytes, optionValue(p, 'bounds-checks') as 'explicit' | 'guard' | undefined);
    if (hasFlag(p, 'stats')) out(statsText(file, bytes.length, t));
    else out(`${file}: ok, ${num(t.wasm.codes.length)} functions, ${num(t.compiled.code.length)} bytes of x86-64\n`);
    return Exit.Ok;
  } catch (e) {
    return reportFailure(e, 'compile');
  }
}
