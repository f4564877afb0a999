// Child process of ref-lifetime.test.ts, run with --expose-gc: drops instances, modules and
// values in the ways a program does, forces collections, and reports (as one JSON line)
// which ones a FinalizationRegistry saw collected, and what calls through the survivors
// returned afterwards.
import { setImmediate as tick } from 'node:timers/promises';
import { Global, Instance, Module, Table } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const collected = new Map<string, number>();
const registry = new FinalizationRegistry<string>((tag) => collected.set(tag, (collected.get(tag) ?? 0) + 1));
const count = (tag: string) => collected.get(tag) ?? 0;

/** Lets finalization callbacks for what was collected so far run (no further collection forced). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await tick();
}

/** Collects with the job's kept objects cleared in between (WeakRefs made earlier do not pin). */
async function collectAll(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await tick();
  }
}

// A table, an element segment and call_indirect, no memory: the shape of every clang program
// as far as references go.
const TABLE = await wat(`(module
  (type $ri (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $a $b)
  (func $a (result i32) i32.const 1)
  (func $b (result i32) i32.const 2)
  (func (export "run") (result i32) i32.const 0 call_indirect (type $ri) i32.const 1 call_indirect (type $ri) i32.add))`);
const IMPORTING = await wat(`(module
  (import "m" "f" (func $f (result i32)))
  (func (export "run") (result i32) call $f))`);
const TRAPPING = await wat(`(module
  (table 1 funcref)
  (func (export "boom") unreachable))`);
const EXPORTING = await wat(`(module (func (export "f") (result i32) i32.const 42))`);
const CALLER = await wat(`(module
  (import "m" "t" (table 1 funcref))
  (func (export "viaTable") (param i32) (result i32) local.get 0 call_indirect (result i32)))`);
const EXTERNS = await wat(`(module
  (table (export "table") 1 externref)
  (global (export "g") (mut externref) (ref.null extern)))`);

const N = Number(process.argv[2] ?? 200);
const report: Record<string, unknown> = { n: N };

// ── Synchronous loops: everything dropped must be collectable by a gc() in the same job ──

const tableModule = new Module(TABLE);
let sum = 0;
function tableCycle(): void {
  const instance = new Instance(tableModule);
  sum += (instance.exports.run as () => number)();
  registry.register(instance, 'syncTable');
}
for (let i = 0; i < N; i++) tableCycle();
gc();
await settle();
report.syncTable = count('syncTable');
report.syncTableSum = sum;

// An import closure that refers to its own instance (the common `let instance` pattern).
const importingModule = new Module(IMPORTING);
function closureCycle(): void {
  const box: { instance?: Instance } = {};
  box.instance = new Instance(importingModule, { m: { f: () => (box.instance ? 3 : 0) } });
  sum += (box.instance.exports.run as () => number)();
  registry.register(box.instance, 'syncClosure');
}
for (let i = 0; i < N; i++) closureCycle();
gc();
await settle();
report.syncClosure = count('syncClosure');

// An instance with its own memory (an 8 GiB guard reservation) that grows it and fills it
// through the memory builtins. The Memory must not outlive the instance by more than a gc.
const MEMORY = await wat(`(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    i32.const 1 memory.grow drop
    i32.const 65536 i32.const 7 i32.const 16 memory.fill
    i32.const 65540 i32.load8_u))`);
const memoryModule = new Module(MEMORY);
function memoryCycle(): void {
  const instance = new Instance(memoryModule);
  sum += (instance.exports.run as () => number)();
  registry.register(instance, 'syncMemoryInstance');
  registry.register(instance.exports.memory as object, 'syncMemory');
}
const sumBefore = sum;
for (let i = 0; i < N; i++) memoryCycle();
gc();
await settle();
report.syncMemory = [count('syncMemoryInstance'), count('syncMemory')];
report.syncMemorySum = sum - sumBefore;

// Modules, including ones whose trap built a backtrace.
function moduleCycle(i: number): void {
  const m = new Module(TRAPPING);
  if (i % 2 === 0) {
    try {
      (new Instance(m).exports.boom as () => void)();
    } catch (e) {
      if ((e as { frames?: { module?: unknown }[] }).frames?.[0]?.module !== m) throw new Error('backtrace lost its module');
    }
  }
  registry.register(m, 'syncModules');
}
for (let i = 0; i < N; i++) moduleCycle(i);
gc();
await settle();
report.syncModules = count('syncModules');

// ── With yields between batches (WeakRefs and finalizers get their turns) ──

for (let batch = 0; batch < 4; batch++) {
  for (let i = 0; i < N / 4; i++) tableCycle();
  await tick();
}
await collectAll();
report.asyncTable = count('syncTable') - N;

// ── What is referenced stays alive, and calls through it still work after collections ──

const exportingModule = new Module(EXPORTING);
const shared = new Table({ element: 'anyfunc', initial: 1 });
let global: Global | null = null;
let caller: Instance | null = null;
let importer: Instance | null = null;
(() => {
  const inTable = new Instance(exportingModule);
  const inGlobal = new Instance(exportingModule);
  const imported = new Instance(exportingModule);
  shared.set(0, inTable.exports.f);
  global = new Global({ value: 'anyfunc', mutable: true }, inGlobal.exports.f);
  caller = new Instance(new Module(CALLER), { m: { t: shared } });
  importer = new Instance(importingModule, { m: { f: imported.exports.f } });
  registry.register(inTable, 'inTable');
  registry.register(inGlobal, 'inGlobal');
  registry.register(imported, 'imported');
})();
await collectAll();
report.kept = {
  collected: [count('inTable'), count('inGlobal'), count('imported')],
  viaTable: ((caller as Instance | null)!.exports.viaTable as (i: number) => number)(0),
  viaGet: (shared.get(0) as () => number)(),
  viaGlobal: ((global as Global | null)!.value as () => number)(),
  viaImport: ((importer as Instance | null)!.exports.run as () => number)(),
};
// Once the places that held them are gone, so are they.
global = null;
importer = null;
shared.set(0, null);
await collectAll();
report.afterGlobalAndImporter = [count('inGlobal'), count('imported')];

// ── externref values live as long as the domain that may hold them ──

const externsModule = new Module(EXTERNS);
const keptTable = new Table({ element: 'externref', initial: 1 });
(() => {
  const ex = new Instance(externsModule).exports as Record<string, unknown>;
  const dropped = { tag: 'dropped' };
  (ex.table as Table).set(0, dropped);
  (ex.g as Global).value = dropped;
  registry.register(dropped, 'droppedExtern');
  const kept = { tag: 'kept' };
  keptTable.set(0, kept);
  registry.register(kept, 'keptExtern');
})();
await collectAll();
report.externs = {
  dropped: count('droppedExtern'),
  kept: count('keptExtern'),
  keptValue: (keptTable.get(0) as { tag: string }).tag,
};

console.log(JSON.stringify(report));
