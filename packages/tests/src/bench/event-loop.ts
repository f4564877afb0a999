// Event-loop delay benchmark (not a test): how long the event loop is held up while
// WebAssembly.compile / WebAssembly.instantiate(bytes) of a large module is pending, in
// wasmjit's WebAssembly namespace and in V8's own. Run: pnpm bench:eventloop [--runs N]
// [--module FILE]... [--generated MB]
//
// While the operation is pending, a 1 ms interval timer records the gaps between its
// callbacks; a gap well above 1 ms is time the event loop could not run anything. Reported:
// the operation's time, and the longest and the 99th-percentile gap (medians over the
// runs). Rows:
//   idle                   no operation, the probe alone for 3 s: what the machine's
//                          scheduling costs (on a loaded machine, gaps of tens of ms)
//   V8                     the built-in (lazy compilation: most functions compile on
//                          first call)
//   V8 eager               --no-wasm-lazy-compilation: every function compiled up front,
//                          as wasmjit does
//   wasmjit, blocking      new WebAssembly.Module(bytes) in a later task: what
//                          WebAssembly.compile did before it compiled on a worker
//   wasmjit                WebAssembly.compile / instantiate: compile on the background
//                          worker, adoption here in slices
// Every run is a fresh child process. Modules: a generated one (--generated MB, default 18),
// and esbuild-wasm's and @swc/wasm's (the bench package's devDependencies) when installed.
// instantiate gives every function import a stub and is skipped for modules that import
// anything else.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { largeModule } from '../util/large-module.js';

const SELF = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SELF), '../../../..');
const IDLE_MS = 3000;
const PROBE_MS = 1;

type Kind = 'idle' | 'v8' | 'wasmjit' | 'wasmjit-blocking';
type Op = 'compile' | 'instantiate';

interface Sample {
  opMs: number;
  maxGap: number;
  p99Gap: number;
  ticks: number;
  note: string;
}

interface Namespace {
  Module: { new (bytes: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] };
  Instance: new (m: object, imports?: object) => object;
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(bytes: Uint8Array, imports?: object): Promise<unknown>;
}

// ── child side ────────────────────────────────────────────────────────────────────────

/** Gaps between the callbacks of a 1 ms interval, from start() until stop(). */
function probe(): { stop(): { maxGap: number; p99Gap: number; ticks: number } } {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, PROBE_MS);
  return {
    stop() {
      clearInterval(timer);
      gaps.push(performance.now() - last);
      gaps.sort((a, b) => a - b);
      return { maxGap: gaps[gaps.length - 1]!, p99Gap: gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.99))]!, ticks: gaps.length };
    },
  };
}

/** Stubs for every function import; null when the module imports anything else. */
function stubImports(ns: Namespace, bytes: Uint8Array): object | null {
  const imports: Record<string, Record<string, unknown>> = {};
  for (const i of ns.Module.imports(new ns.Module(bytes))) {
    if (i.kind !== 'function') return null;
    (imports[i.module] ??= {})[i.name] = () => {
      throw new Error(`stub import ${i.module}.${i.name} called`);
    };
  }
  return imports;
}

async function child(kind: Kind, op: Op, file: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  let sample: Sample;
  if (kind === 'idle') {
    const p = probe();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    sample = { opMs: performance.now() - t0, ...p.stop(), note: '' };
  } else {
    const ns: Namespace = kind === 'v8'
      ? (globalThis.WebAssembly as unknown as Namespace)
      : ((await import('@wasmjit/runtime/webassembly')).WebAssembly as unknown as Namespace);
    let imports: object | undefined;
    if (op === 'instantiate') {
      // Read before the timed part (its own compile is synchronous).
      const stubs = stubImports(ns, bytes);
      if (stubs === null) {
        process.stdout.write(JSON.stringify({ opMs: NaN, maxGap: NaN, p99Gap: NaN, ticks: 0, note: 'imports other than functions' }));
        return;
      }
      imports = stubs;
    }
    // Let the process settle (module loading, the stub compile's garbage) before timing.
    await new Promise((r) => setTimeout(r, 200));
    const p = probe();
    const t0 = performance.now();
    if (kind === 'wasmjit-blocking') {
      await new Promise((resolve) => setImmediate(() => {
        const m = new ns.Module(bytes);
        resolve(op === 'instantiate' ? new ns.Instance(m, imports) : m);
      }));
    } else if (op === 'compile') {
      await ns.compile(bytes);
    } else {
      await ns.instantiate(bytes, imports);
    }
    sample = { opMs: performance.now() - t0, ...p.stop(), note: '' };
  }
  process.stdout.write(JSON.stringify(sample));
}

// ── parent side ───────────────────────────────────────────────────────────────────────

interface Config {
  label: string;
  kind: Kind;
  flags: string[];
}

const CONFIGS: Config[] = [
  { label: 'V8', kind: 'v8', flags: [] },
  { label: 'V8 eager', kind: 'v8', flags: ['--no-wasm-lazy-compilation'] },
  { label: 'wasmjit, blocking (before)', kind: 'wasmjit-blocking', flags: [] },
  { label: 'wasmjit', kind: 'wasmjit', flags: [] },
];

function runChild(flags: string[], kind: Kind, op: Op, file: string): Sample {
  const out = execFileSync(process.execPath, [...flags, SELF, '--child', kind, op, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Sample;
}

function median(xs: number[]): number {
  const s = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const ms = (x: number) => (Number.isNaN(x) ? '' : x.toFixed(0));
const ms1 = (x: number) => (Number.isNaN(x) ? '' : x.toFixed(1));

function npmModules(): string[] {
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
  let runs = 3;
  let generatedMb = 18;
  const modules: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--module') modules.push(path.resolve(args[++i]!));
    else if (args[i] === '--generated') generatedMb = Number(args[++i]);
    else throw new Error(`unknown argument ${args[i]} (use --runs N, --module FILE, --generated MB)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'wasmjit-eventloop-'));
  try {
    if (generatedMb > 0) {
      // ~760 bytes per function with 24 groups.
      const file = path.join(dir, `generated-${generatedMb}mb.wasm`);
      writeFileSync(file, largeModule({ functions: Math.round((generatedMb * 1e6) / 760), groupsPerFunction: 24 }));
      modules.push(file);
    }
    if (args.every((a) => a !== '--module')) modules.push(...npmModules());
    const idle = Array.from({ length: runs }, () => runChild([], 'idle', 'compile', modules[0]!));
    console.log(`event-loop delay while an operation is pending: medians of ${runs} fresh processes; node ${process.version}, ${availableParallelism()} cores`);
    console.log(`gaps between 1 ms interval callbacks; idle machine baseline (no operation, ${IDLE_MS} ms): ` +
      `longest gap ${ms1(median(idle.map((s) => s.maxGap)))} ms, p99 ${ms1(median(idle.map((s) => s.p99Gap)))} ms`);
    for (const file of modules) {
      const size = readFileSync(file).length;
      for (const op of ['compile', 'instantiate'] as const) {
        console.log(`\n${path.basename(file)} (${(size / 1e6).toFixed(1)} MB), ${op}\n`);
        console.log('| engine | op ms | longest gap ms | p99 gap ms | longest gap vs V8 eager | notes |');
        console.log('| --- | --: | --: | --: | --: | --- |');
        let v8Eager = NaN;
        for (const c of CONFIGS) {
          const samples: Sample[] = [];
          for (let r = 0; r < runs; r++) samples.push(runChild(c.flags, c.kind, op, file));
          const maxGap = median(samples.map((s) => s.maxGap));
          if (c.label === 'V8 eager') v8Eager = maxGap;
          const ratio = Number.isNaN(v8Eager) || Number.isNaN(maxGap) ? '' : `${(maxGap / v8Eager).toFixed(1)}x`;
          console.log(`| ${c.label} | ${ms(median(samples.map((s) => s.opMs)))} | ${ms1(maxGap)} | ${ms1(median(samples.map((s) => s.p99Gap)))} | ${ratio} | ${samples[0]!.note} |`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1] as Kind, argv[2] as Op, argv[3]!);
else parent(argv);
