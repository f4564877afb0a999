// 10,000 seeded random loads and stores against a 3-page memory: in guard mode every
// out-of-bounds access traps out_of_bounds_memory (through the fault handler: the signal
// count moves by exactly the number of those traps), every in-bounds one reads what was
// written, and no byte outside the accessible size, or inside it next to a straddling access,
// is ever changed. The same sequence runs in explicit mode and in V8 (in the same process,
// after our handler is installed), against a JS model of the memory.
import { expect } from 'chai';
import { accessModule, KINDS, type AccessKind } from './accesses.js';
import { explicitEngine, firstDifference, guardEngine, instantiate, native, PAGE, rng, trapOf, wat, type Exports } from './support.js';

const PAGES = 3;
const SIZE = PAGES * PAGE;
const STEPS = 10_000;
const SEED = 0x5eed_0005;

interface Step {
  kind: AccessKind;
  /** Function name suffix: `_<i>` (static offset i) or constant j. */
  fn: string;
  store: boolean;
  constant: boolean;
  address: number;
  offset: number;
  bits: bigint;
}

function randomBits(r: () => number): bigint {
  const hi = BigInt(Math.floor(r() * 2 ** 32));
  const lo = BigInt(Math.floor(r() * 2 ** 32));
  return (hi << 32n) | lo;
}

/** Addresses biased to the interesting places: just around the end, anywhere, and huge. */
function randomAddress(r: () => number, offset: number, bytes: number): number {
  const pick = r();
  if (pick < 0.45) {
    const edge = SIZE - offset - bytes + Math.floor(r() * 33) - 16;
    return edge >= 0 && edge <= 0xffffffff ? edge : Math.floor(r() * SIZE);
  }
  if (pick < 0.75) return Math.floor(r() * SIZE);
  if (pick < 0.9) return Math.floor(r() * 2 ** 32);
  return 0xffffffff - Math.floor(r() * 16);
}

function makeSteps(offsets: number[], constants: [number, number][]): Step[] {
  const r = rng(SEED);
  const steps: Step[] = [];
  for (let i = 0; i < STEPS; i++) {
    const kind = KINDS[Math.floor(r() * KINDS.length)]!;
    const store = r() < 0.5;
    const bits = randomBits(r);
    if (r() < 0.15) {
      const j = Math.floor(r() * constants.length);
      const [address, offset] = constants[j]!;
      steps.push({ kind, fn: `${j}`, store, constant: true, address, offset, bits });
    } else {
      const j = Math.floor(r() * offsets.length);
      const offset = offsets[j]!;
      steps.push({ kind, fn: `${j}`, store, constant: false, address: randomAddress(r, offset, kind.bytes), offset, bits });
    }
  }
  return steps;
}

const SNAPSHOT_EVERY = 1000;

interface Model {
  outcomes: (bigint | 'oob' | null)[];
  /** The memory after step i, for each i with i % SNAPSHOT_EVERY === SNAPSHOT_EVERY - 1. */
  snapshots: Map<number, Uint8Array>;
  final: Uint8Array;
}

/** The expected outcome of each step, from a plain JS model of the memory. */
function model(steps: Step[]): Model {
  const mem = new Uint8Array(SIZE);
  const outcomes: Model['outcomes'] = [];
  const snapshots = new Map<number, Uint8Array>();
  steps.forEach((s, i) => {
    const ea = s.address + s.offset; // exact: below 2^33
    if (ea + s.kind.bytes > SIZE) {
      outcomes.push('oob');
    } else if (s.store) {
      for (let b = 0; b < s.kind.bytes; b++) mem[ea + b] = Number((s.bits >> BigInt(8 * b)) & 0xffn);
      outcomes.push(null);
    } else {
      let v = 0n;
      for (let b = s.kind.bytes - 1; b >= 0; b--) v = (v << 8n) | BigInt(mem[ea + b]!);
      outcomes.push(v);
    }
    if (i % SNAPSHOT_EVERY === SNAPSHOT_EVERY - 1) snapshots.set(i, mem.slice());
  });
  return { outcomes, snapshots, final: mem };
}

type Run = (s: Step) => bigint | 'oob' | null | string;

function runner(ex: Exports, trapName: (f: () => unknown) => string | undefined): Run {
  return (s) => {
    const name = `${s.store ? (s.constant ? 'stc' : 'st') : s.constant ? 'ldc' : 'ld'}_${s.kind.name}_${s.fn}`;
    const f = ex[name]!;
    let result: unknown;
    const trap = trapName(() => {
      result = s.constant ? (s.store ? f(s.bits) : f()) : s.store ? f(s.address, s.bits) : f(s.address);
    });
    if (trap !== undefined) return trap === 'out_of_bounds_memory' ? 'oob' : trap;
    return s.store ? null : BigInt.asUintN(64, result as bigint);
  };
}

const v8Trap = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError && /out of bounds/.test(e.message)) return 'out_of_bounds_memory';
    return String(e);
  }
};

describe('guard mode: 10,000 random accesses against a 3-page memory', function () {
  this.timeout(120_000);
  let bytes: Uint8Array;
  let steps: Step[];
  let expected: Model;

  before(async () => {
    const m = accessModule(PAGES, rng(SEED ^ 0xabcdef));
    bytes = await wat(m.text);
    steps = makeSteps(m.offsets, m.constants);
    expected = model(steps);
    const oob = expected.outcomes.filter((o) => o === 'oob').length;
    // The mix must exercise both sides well (a sanity check of the generator itself).
    expect(oob).to.be.within(STEPS * 0.25, STEPS * 0.75);
  });

  function check(run: Run, memory: () => Uint8Array, label: string): void {
    for (let i = 0; i < steps.length; i++) {
      const got = run(steps[i]!);
      if (got !== expected.outcomes[i]) {
        const s = steps[i]!;
        expect.fail(
          `${label} step ${i}: ${s.store ? 'store' : 'load'} ${s.kind.name} address ${s.address} offset ${s.offset}` +
            `${s.constant ? ' (constant)' : ''}: got ${String(got)}, expected ${String(expected.outcomes[i])}`,
        );
      }
      // Now and then the whole memory must match the model byte for byte.
      const snapshot = expected.snapshots.get(i);
      if (snapshot && firstDifference(memory(), snapshot) !== -1) expect.fail(`${label}: memory differs after step ${i}`);
    }
    expect(firstDifference(memory(), expected.final), `${label}: first byte that differs from the model`).to.equal(-1);
  }

  it('guard mode: traps through the fault handler, exact values, untouched bytes', () => {
    const instance = instantiate(guardEngine(), bytes);
    const ex = instance.exports as Exports;
    const mem = ex.mem as unknown as { buffer: ArrayBuffer; grow(n: number): number };
    expect(native.signalHandlerInstalled()).to.equal(true);
    const before = native.signalCount();
    check(runner(ex, trapOf), () => new Uint8Array(mem.buffer), 'guard');
    const oob = expected.outcomes.filter((o) => o === 'oob').length;
    expect(native.signalCount() - before, 'every out-of-bounds access went through the handler').to.equal(oob);
    // The bytes just past the accessible size were PROT_NONE the whole time; made accessible
    // now, they must still be the zeros of a fresh page.
    expect(mem.grow(1)).to.equal(PAGES);
    const grown = new Uint8Array(mem.buffer);
    expect(grown.length).to.equal(SIZE + PAGE);
    expect(grown.subarray(SIZE).every((b) => b === 0)).to.equal(true);
    expect(firstDifference(grown.subarray(0, SIZE), expected.final)).to.equal(-1);
  });

  it('explicit mode: the same outcomes, with no signal at all', () => {
    const ex = instantiate(explicitEngine(), bytes).exports as Exports;
    const mem = ex.mem as unknown as { buffer: ArrayBuffer };
    const before = native.signalCount();
    check(runner(ex, trapOf), () => new Uint8Array(mem.buffer), 'explicit');
    expect(native.signalCount()).to.equal(before);
  });

  it("V8's WebAssembly in the same process (handler installed): the same outcomes", () => {
    expect(native.signalHandlerInstalled()).to.equal(true);
    const before = native.signalCount();
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    const ex = inst.exports as unknown as Exports;
    const mem = inst.exports.mem as WebAssembly.Memory;
    check(runner(ex, v8Trap), () => new Uint8Array(mem.buffer), 'v8');
    // V8's own faults are passed on to Node's handler, never counted as ours.
    expect(native.signalCount()).to.equal(before);
  });
});
