// Compile-speed benchmark (not a test): how fast wasmjit turns a large module into machine
// code, single-threaded and on worker threads, next to V8's Liftoff and TurboFan compiling
// the same bytes single-threaded. Run: pnpm bench:compile [--runs N] [--module FILE]...
//
// Rows: "wasmjit phases" runs decodeModule, validateModule and compileModuleCode one after
// the other (the per-phase times); "wasmjit" runs compileModule, which is what
// Engine.compile does (function bodies are validated by the code generator's chunks, on
// worker threads too), single-threaded and on one thread per core.
//
// Every run is a fresh child process, so each number is a first compile in a new process
// (compiler code not yet optimised by V8, compile workers not yet started, no V8 code cache)
// — what a user waits for. A wasmjit child then compiles once more in the same process
// ("2nd compile": V8 has optimised more of the compiler by then, and workers are running).
// Reported: medians over the runs of decode, validate, lower (code generation) and their
// total, MB/s of module bytes, and the child's peak RSS after the first compile. Without
// --module it measures esbuild-wasm's and @swc/wasm's modules (the bench package's
// devDependencies), whichever are installed. The machine should be otherwise idle: the
// threads of a parallel compile and V8's own background compiler share its cores.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SELF), '../../../..');

/** The V8 configurations, as node flags: one compiler, one thread, everything compiled now. */
const V8_ENGINES: Record<string, string[]> = {
  'V8 Liftoff': ['--liftoff-only', '--no-wasm-lazy-compilation', '--single-threaded'],
  'V8 TurboFan': ['--no-liftoff', '--no-wasm-lazy-compilation', '--single-threaded'],
};

/** What a child reports (times in ms, RSS in bytes). */
interface Sample {
  decode: number;
  validate: number;
  lower: number;
  total: number;
  warm: number | null;
  rss: number;
  note: string;
}

// ── child side ────────────────────────────────────────────────────────────────────────

async function child(kind: string, file: string, threads: number): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  let sample: Sample;
  if (kind === 'v8') {
    const t0 = performance.now();
    new WebAssembly.Module(bytes);
    const total = performance.now() - t0;
    sample = { decode: NaN, validate: NaN, lower: NaN, total, warm: null, rss: process.resourceUsage().maxRSS * 1024, note: '' };
  } else {
    const cg = await import('@wasmjit/codegen');
    const parallelCompile = threads > 1 ? threads : false;
    const options = { boundsChecks: 'guard', parallelCompile } as const;
    // 'phases': the three steps one after the other; 'wasmjit': compileModule, what
    // Engine.compile does (bodies validated inside the code generator's chunks).
    const compile = kind === 'phases'
      ? () => {
        const t0 = performance.now();
        const m = cg.decodeModule(bytes.slice());
        const t1 = performance.now();
        cg.validateModule(m);
        const t2 = performance.now();
        cg.compileModuleCode(m, options);
        const t3 = performance.now();
        return { decode: t1 - t0, validate: t2 - t1, lower: t3 - t2, total: t3 - t0 };
      }
      : () => {
        const t0 = performance.now();
        cg.compileModule(bytes.slice(), {}, options);
        return { decode: NaN, validate: NaN, lower: NaN, total: performance.now() - t0 };
      };
    const cold = compile();
    const rss = process.resourceUsage().maxRSS * 1024;
    const s = cg.lastParallelStats;
    const note = threads > 1 && s ? `${s.chunks - s.byCaller}/${s.chunks} chunks on workers` : '';
    const warm = compile().total;
    sample = { ...cold, warm, rss, note };
  }
  process.stdout.write(JSON.stringify(sample));
}

// ── parent side ───────────────────────────────────────────────────────────────────────

function runChild(nodeFlags: string[], kind: string, file: string, threads: number): Sample {
  const out = execFileSync(process.execPath, [...nodeFlags, SELF, '--child', kind, file, String(threads)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as Sample;
}

/** The median of the numbers among xs (JSON turns NaN into null). */
function median(xs: (number | null)[]): number {
  const s = xs.filter((x): x is number => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const ms = (x: number) => (Number.isNaN(x) ? '' : x.toFixed(0));

function defaultModules(): string[] {
  const require = createRequire(path.join(REPO, 'packages/bench/package.json'));
  const found: string[] = [];
  for (const [pkg, file] of [['esbuild-wasm', 'esbuild.wasm'], ['@swc/wasm', 'wasm_bg.wasm']]) {
    try {
      const f = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file!);
      if (existsSync(f)) found.push(f);
    } catch {
      // not installed
    }
  }
  return found;
}

function parent(args: string[]): void {
  let runs = 5;
  const modules: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--module') modules.push(path.resolve(args[++i]!));
    else throw new Error(`unknown argument ${args[i]} (use --runs N, --module FILE)`);
  }
  if (modules.length === 0) modules.push(...defaultModules());
  if (modules.length === 0) throw new Error('no module to compile: install the bench package dependencies or pass --module FILE');
  const cores = availableParallelism();
  const threads = Math.max(2, cores);
  const configs: { label: string; flags: string[]; kind: string; threads: number }[] = [
    { label: 'wasmjit phases, 1 thread', flags: [], kind: 'phases', threads: 1 },
    { label: 'wasmjit, 1 thread', flags: [], kind: 'wasmjit', threads: 1 },
    { label: `wasmjit, ${threads} threads`, flags: [], kind: 'wasmjit', threads },
    ...Object.entries(V8_ENGINES).map(([label, flags]) => ({ label, flags, kind: 'v8', threads: 1 })),
  ];
  console.log(`compile speed: medians of ${runs} fresh processes; node ${process.version}, ${cores} cores`);
  console.log('wasmjit phases = decodeModule + validateModule + compileModuleCode; wasmjit = compileModule (Engine.compile)');
  for (const file of modules) {
    const size = readFileSync(file).length;
    console.log(`\n${path.basename(file)} (${(size / 1e6).toFixed(1)} MB)\n`);
    console.log('| engine | decode ms | validate ms | lower ms | total ms | MB/s | 2nd compile ms | peak RSS MB | notes |');
    console.log('| --- | --: | --: | --: | --: | --: | --: | --: | --- |');
    for (const c of configs) {
      const samples: Sample[] = [];
      // Interleaving would be fairer on a loaded machine, but one engine at a time keeps
      // each child's environment (page cache, CPU frequency) closest to the others'.
      for (let r = 0; r < runs; r++) samples.push(runChild(c.flags, c.kind, file, c.threads));
      const pick = (k: keyof Sample) => median(samples.map((s) => s[k] as number | null));
      const total = pick('total');
      const warm = median(samples.map((s) => s.warm));
      console.log(
        `| ${c.label} | ${ms(pick('decode'))} | ${ms(pick('validate'))} | ${ms(pick('lower'))} | ${ms(total)} | ` +
          `${(size / 1e6 / (total / 1000)).toFixed(1)} | ${ms(warm)} | ${(pick('rss') / 1e6).toFixed(0)} | ${samples[samples.length >> 1]!.note} |`,
      );
    }
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]!, argv[2]!, Number(argv[3]));
else parent(argv);
