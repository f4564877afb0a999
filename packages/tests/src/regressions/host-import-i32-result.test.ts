// Found by the differential fuzzer (issue 8): a SIGSEGV in guard mode, a wrong
// out_of_bounds_memory trap in explicit mode.
// Reproduce: pnpm fuzz:diff --seed 100 --only 442   (also 1019, 1089)
// The host thunk loaded a JS import's i32 result from its 8-byte call-area slot with a
// 64-bit load, but JS writes only the slot's low half: rax picked up the stale upper half
// (here the i64 argument the caller had stored in the same slot), breaking the invariant
// that an i32 in a Gpr is zero-extended. Used as an address, that index overflowed the
// explicit bounds check, and in guard mode reached past the 8 GiB reservation.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';

const MODULE = `(module
  (import "m" "f" (func $f (param i64) (result i32)))
  (memory 1)
  (data (i32.const 0) "\\2a")
  (func (export "load_at_import_result") (result i32)
    (i32.load (call $f (i64.const -1)))))`;

describe('regression: i32 result of a JS import is zero-extended', () => {
  for (const boundsChecks of ['explicit', 'guard'] as const) {
    it(`can address memory (${boundsChecks} bounds checks)`, async () => {
      const engine = new Engine({ boundsChecks });
      const { exports } = engine.instantiate(engine.compile(await wat(MODULE)), { m: { f: () => 0 } });
      const run = exports['load_at_import_result'] as () => number;
      expect(run()).to.equal(42);
      expect(run()).to.equal(42);
    });
  }
});
