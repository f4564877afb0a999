// Maximum recursion depth under default settings, wasmjit against V8 (not a test): the depth
// programs (depth-programs.ts) on the main thread and on workers with Node's default and
// with smaller stacks, the stack bytes one level takes, and wasm → JS → wasm nesting
// (depth-nesting.ts). Run: pnpm bench:depth [depths|frames|nesting]
//
// Every cell is measured in a fresh node process (depth-child.ts): V8's tier flags are
// per process, and a worker must be the process's first thread of its size, since glibc
// hands later threads cached stacks larger than they asked for. V8 columns: node's default
// (Liftoff, then TurboFan for hot functions), Liftoff only, TurboFan only.
//
// Bytes per level: the depth difference between two stack sizes — V8's --stack-size
// (its JS limit, which wasm shares) and wasmjit's maxWasmStack — divided into the size
// difference.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEPTH_PROGRAMS } from './depth-programs.js';
import type { DepthJob, DepthJobResult } from './depth-child.js';

const CHILD = fileURLToPath(new URL('./depth-child.js', import.meta.url));

interface Column {
  label: string;
  engine: DepthJob['engine'];
  flags: string[];
}

const COLUMNS: Column[] = [
  { label: 'wasmjit', engine: 'wasmjit', flags: [] },
  { label: 'V8 default', engine: 'v8', flags: [] },
  { label: 'Liftoff', engine: 'v8', flags: ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'] },
  { label: 'TurboFan', engine: 'v8', flags: ['--no-liftoff'] },
];

/** undefined: the main thread; 0: a worker with Node's default stack (4 MiB); else stackSizeMb. */
const THREADS: { label: string; worker?: number }[] = [
  { label: 'main thread' },
  { label: 'worker, default 4 MiB', worker: 0 },
  { label: 'worker, stackSizeMb 1', worker: 1 },
  { label: 'worker, stackSizeMb 0.5', worker: 0.5 },
];

function runChild(flags: string[], job: DepthJob): Promise<DepthJobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, CHILD, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as DepthJobResult);
      else reject(new Error(`depth child ${JSON.stringify(job)} ${flags.join(' ')}: ${signal ?? `exit ${code}`}\n${err}`));
    });
  });
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ratio = (a: number, b: number) => (a / b).toFixed(2);

async function depthTable(): Promise<void> {
  console.log('## Maximum depth under defaults (levels; wasmjit / V8 as ratios)\n');
  console.log(`| program | thread | ${COLUMNS.map((c) => c.label).join(' | ')} | ÷ V8 default | ÷ Liftoff | ÷ TurboFan |`);
  console.log(`| --- | --- | ${COLUMNS.map(() => '---').join(' | ')} | --- | --- | --- |`);
  for (const t of THREADS) {
    const results: DepthJobResult[] = [];
    for (const c of COLUMNS) results.push(await runChild(c.flags, { engine: c.engine, ...(t.worker !== undefined ? { worker: t.worker } : {}) }));
    for (const p of DEPTH_PROGRAMS) {
      const d = results.map((r) => r.depths[p.name]!);
      const ours = d[0]!;
      console.log(`| ${p.name} | ${t.label} | ${d.map(fmt).join(' | ')} | ${ratio(ours, d[1]!)} | ${ratio(ours, d[2]!)} | ${ratio(ours, d[3]!)} |`);
    }
  }
}

const KiB = 1024;

async function frameTable(): Promise<void> {
  console.log('\n## Stack bytes per level (main thread)\n');
  console.log('| program | wasmjit | Liftoff | TurboFan |');
  console.log('| --- | --- | --- | --- |');
  const [small, large] = [512 * KiB, 1536 * KiB];
  const ours = await Promise.all([small, large].map((maxWasmStack) => runChild([], { engine: 'wasmjit', options: { maxWasmStack } })));
  const v8 = async (flags: string[]) => Promise.all([small, large].map((s) => runChild([...flags, `--stack-size=${s / KiB}`], { engine: 'v8' })));
  const liftoff = await v8(COLUMNS[2]!.flags);
  const turbofan = await v8(COLUMNS[3]!.flags);
  const per = (r: DepthJobResult[], name: string) => ((large - small) / (r[1]!.depths[name]! - r[0]!.depths[name]!)).toFixed(1);
  for (const p of DEPTH_PROGRAMS) console.log(`| ${p.name} | ${per(ours, p.name)} | ${per(liftoff, p.name)} | ${per(turbofan, p.name)} |`);
  console.log('\n(descent: one level is an expr and a term frame.)');
}

async function nestingTable(): Promise<void> {
  console.log('\n## wasm → JS → wasm nesting under defaults (levels, and what ended it)\n');
  console.log('| thread | state | wasmjit | V8 default | ÷ V8 |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const t of THREADS.slice(0, 2)) {
    const job = { nesting: true, ...(t.worker !== undefined ? { worker: t.worker } : {}) };
    const ours = (await runChild([], { engine: 'wasmjit', ...job })).nesting!;
    const v8 = (await runChild([], { engine: 'v8', ...job })).nesting!;
    for (const state of ['cold', 'warm'] as const) {
      const end = (`${state}End`) as 'coldEnd' | 'warmEnd';
      console.log(`| ${t.label} | ${state} | ${fmt(ours[state])} (${ours[end]}) | ${fmt(v8[state])} (${v8[end]}) | ${ratio(ours[state], v8[state])} |`);
    }
  }
}

const only = process.argv[2];
if (only === undefined || only === 'depths') await depthTable();
if (only === undefined || only === 'frames') await frameTable();
if (only === undefined || only === 'nesting') await nestingTable();
