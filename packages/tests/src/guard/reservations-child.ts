// Child-process entry of reservations.test.ts, run under `ulimit -v` so that only a few 8 GiB
// guard reservations fit: memories past that fall back to a reservation of their maximum,
// which explicit-mode code uses normally and guard-mode code refuses with a clear error.
import { Engine, LinkError, Memory } from '@wasmjit/runtime';
import { PAGE, trapOf, wat, type Exports } from './support.js';

const IMPORTING = `(module (import "env" "mem" (memory 1))
  (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;
const OWNING = `(module (memory 1) (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))`;

const COUNT = Number(process.argv[2] ?? 400);
const guardEngine = new Engine({ boundsChecks: 'guard' });
const explicitEngine = new Engine({ boundsChecks: 'explicit' });
const importing = await wat(IMPORTING);
const guardModule = guardEngine.compile(importing);
const explicitModule = explicitEngine.compile(importing);
const guardOwning = guardEngine.compile(await wat(OWNING));

const memories: Memory[] = [];
const report = {
  created: 0,
  guarded: 0,
  explicitOk: 0,
  guardOk: 0,
  linkErrors: 0,
  linkErrorMessage: '',
  ownMemoryError: '',
  unguardedReason: '',
  noMaximumError: '',
};

for (let i = 0; i < COUNT; i++) {
  const m = new Memory({ initial: 1, maximum: 2 }) as Memory & { guarded: boolean; unguardedReason?: string };
  memories.push(m);
  report.created++;
  if (m.guarded) report.guarded++;
  else report.unguardedReason ||= m.unguardedReason ?? '';
  // Explicit bounds checks work with every memory, guarded or not.
  const ex = explicitEngine.instantiate(explicitModule, { env: { mem: m } }).exports as Exports;
  ex.poke!(PAGE - 4, i);
  const okExplicit =
    ex.peek!(PAGE - 4) === i &&
    trapOf(() => ex.peek!(PAGE - 3)) === 'out_of_bounds_memory' &&
    ex.grow!(1) === 1 &&
    ex.peek!(2 * PAGE - 4) === 0 &&
    ex.grow!(1) === -1 &&
    trapOf(() => ex.peek!(2 * PAGE)) === 'out_of_bounds_memory';
  if (okExplicit) report.explicitOk++;
  // Guard-mode code only takes guarded memories.
  try {
    const g = guardEngine.instantiate(guardModule, { env: { mem: m } }).exports as Exports;
    if (g.peek!(PAGE - 4) === i && trapOf(() => g.peek!(2 * PAGE)) === 'out_of_bounds_memory') report.guardOk++;
  } catch (e) {
    if (e instanceof LinkError && !m.guarded) report.linkErrors++;
    report.linkErrorMessage ||= String(e);
  }
}

// A guard-mode instance's own memory, with the address space exhausted: a RangeError.
try {
  guardEngine.instantiate(guardOwning);
} catch (e) {
  report.ownMemoryError = `${(e as Error).name}: ${(e as Error).message}`;
}

// Without a maximum the fallback needs 4 GiB; sooner or later even that is refused.
try {
  for (let i = 0; i < 64; i++) memories.push(new Memory({ initial: 1 }));
} catch (e) {
  report.noMaximumError = `${(e as Error).name}: ${(e as Error).message}`;
}

process.stdout.write(JSON.stringify(report));
