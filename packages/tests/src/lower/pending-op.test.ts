// Operators compiled as a pair through the pending-operator state (pending-op.ts): a compare
// consumed by the br_if / if / select after it, an ALU op written back in place by
// local.set / local.tee. Each operator of a pair still passes through the dispatch loop: it
// has its own (wasm offset, code offset) entry and trace line, a trap or call right after a
// pair reports V8's offsets, and the pair's code is still `cmp; jcc` / `cmp; cmov`.
import { expect } from 'chai';
import { compileModuleCode, decodeModule, validateModule, type CompiledCode, type WasmModule } from '@wasmjit/codegen';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { wat, both, callBoth } from '../util/wat.js';
import { disassemble, skipWithoutObjdump } from '../x64/objdump.js';

// The operators of PAIRS and their immediates (the walker below knows just these).
const PAIRS = `(module
  (memory 1)
  (func $boom (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  ;; compare + br_if, then unreachable
  (func (export "brif") (param $a i32) (result i32)
    (block (br_if 0 (i32.gt_s (local.get $a) (i32.const 5))) (unreachable))
    (i32.const 0))
  ;; float compare + if around a trap
  (func (export "if_f64") (param $a f64) (result i32)
    (if (f64.lt (f64.const 1) (local.get $a)) (then (unreachable)))
    (i32.const 1))
  ;; eqz + select choosing an out-of-bounds address
  (func (export "select") (param $a i32) (result i32)
    (i32.load (select (i32.const 0x7fff0000) (i32.const 0) (i32.eqz (local.get $a)))))
  ;; a compare settled by the next operator, which traps (divide by a false compare)
  (func (export "div") (param $a i32) (result i32)
    (i32.div_u (i32.const 1) (i32.lt_s (local.get $a) (i32.const 0))))
  ;; a compare settled by a call, which traps in the callee
  (func (export "call") (param $a i32) (result i32)
    (call $boom (i64.gt_u (i64.extend_i32_u (local.get $a)) (i64.const 3))))
  ;; fused compare + if, then a call in the arm
  (func (export "call_in_if") (param $a i32) (result i32)
    (if (result i32) (i32.le_u (local.get $a) (i32.const 9))
      (then (call $boom (i32.const 0))) (else (i32.const 2))))
  ;; in-place updates in a loop (homed locals), then a call that traps
  (func (export "inplace") (param $n i32) (result i32) (local $x i32) (local $i i32)
    (loop $l
      (local.set $x (i32.add (local.get $x) (i32.const 3)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (call $boom (i32.sub (local.get $x) (i32.mul (local.get $n) (i32.const 3))))))`;

/** Operators with one LEB128 immediate; block/loop/if take a one-byte block type here. */
const LEB_OPS = new Set([0x0c, 0x0d, 0x10, 0x20, 0x21, 0x22, 0x41, 0x42]);
const BLOCK_OPS = new Set([0x02, 0x03, 0x04]);
const MEM_OPS = new Set([0x28]);

/** wasm offsets of the operators of a function body, by walking PAIRS' small instruction set. */
function operatorOffsets(m: WasmModule, funcIndex: number): number[] {
  const body = m.codes[funcIndex - m.numImportedFuncs]!;
  const b = m.bytes;
  const out: number[] = [];
  const leb = (p: number) => {
    while (b[p]! & 0x80) p++;
    return p + 1;
  };
  for (let p = body.bodyStart; p < body.bodyEnd;) {
    out.push(p);
    const op = b[p++]!;
    if (LEB_OPS.has(op)) p = leb(p);
    else if (BLOCK_OPS.has(op)) p += 1;
    else if (op === 0x44) p += 8;
    else if (MEM_OPS.has(op)) p = leb(leb(p));
  }
  return out;
}

describe('pending operators: every operator of a pair passes through the dispatch loop', () => {
  let bytes: Uint8Array;
  let m: WasmModule;
  let code: CompiledCode;
  before(async () => {
    bytes = await wat(PAIRS);
    m = decodeModule(bytes);
    validateModule(m);
    code = compileModuleCode(m, { collectOffsets: true, trace: true, parallelCompile: false });
  });

  it('each operator has its (wasm offset, code offset) entry and its trace line', () => {
    const recorded = new Set<number>();
    for (let i = 0; i < code.opOffsets!.length; i += 2) recorded.add(code.opOffsets![i]!);
    const traced = new Set(code.comments.map((c) => /^@([0-9a-f]+) /.exec(c.text)).filter((x) => x).map((x) => parseInt(x![1]!, 16)));
    for (let f = 0; f < m.funcs.length; f++) {
      const ops = operatorOffsets(m, f);
      expect(ops.length).to.be.greaterThan(3);
      for (const at of ops) {
        expect(recorded.has(at), `func ${f}: no offset entry for the operator at 0x${at.toString(16)}`).to.equal(true);
        expect(traced.has(at), `func ${f}: no trace line for the operator at 0x${at.toString(16)}`).to.equal(true);
      }
    }
  });

  it('a fused compare branches on its flags: cmp/test/ucomisd, then (moves and) jcc or cmov, no setcc', function () {
    skipWithoutObjdump(this);
    // [function, its compare, the consumer after it]
    const expected: [number, RegExp, RegExp][] = [
      [1, /^cmp .*,0x5$/, /^jg /], // brif: gt_s, jumping to the block end when it holds
      [2, /^ucomisd /, /^j/], // if_f64
      [3, /^(test|cmp) /, /^cmov/], // select on eqz
      [7, /^cmp /, /^jb /], // inplace: lt_u + br_if back
    ];
    const chunks = expected.map(([f]) => code.code.subarray(code.funcOffsets[f]!, code.funcEnds[f]!));
    disassemble(chunks).forEach((insns, k) => {
      const [f, compare, consumer] = expected[k]!;
      const texts = insns.map((d) => d.text);
      const what = `func ${f}:\n${texts.join('\n')}`;
      expect(texts.some((t) => /^set/.test(t)), what).to.equal(false);
      const fused = texts.some((t, i) => {
        if (!compare.test(t) || /rsp/.test(t)) return false; // not the prologue's stack check
        let j = i + 1;
        while (j < texts.length && /^mov/.test(texts[j]!)) j++; // operands loaded for select
        return consumer.test(texts[j] ?? '');
      });
      expect(fused, what).to.equal(true);
    });
  });

  it('the in-place update is one add on the local\'s register', function () {
    skipWithoutObjdump(this);
    const f = 7;
    const [insns] = disassemble([code.code.subarray(code.funcOffsets[f]!, code.funcEnds[f]!)]);
    const texts = insns!.map((d) => d.text);
    expect(texts.filter((t) => /^add e[a-z0-9]+,0x3$/.test(t) || /^add r\d+d,0x3$/.test(t)), texts.join('\n')).to.have.length(1);
  });
});

/** [funcIndex, offset] of the wasm frames in a V8 error stack, innermost first. */
function v8Frames(e: unknown): [number, number][] {
  return [...String((e as Error).stack).matchAll(/wasm-function\[(\d+)\]:0x([0-9a-f]+)/g)].map((x) => [Number(x[1]), parseInt(x[2]!, 16)]);
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('pending operators: traps and calls right after a pair report V8\'s offsets', () => {
  const CASES: [string, unknown[]][] = [
    ['brif', [1]], ['if_f64', [2.5]], ['select', [0]], ['div', [3]], ['call', [2]], ['call_in_if', [4]], ['inplace', [7]],
  ];
  for (const consumeFuel of [false, true]) {
    it(`the same frames and offsets as V8${consumeFuel ? ' (with fuel)' : ''}`, async () => {
      const bytes = await wat(PAIRS);
      const engine = new Engine({ consumeFuel });
      const ours = engine.instantiate(engine.compile(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as Record<string, (...a: unknown[]) => unknown>;
      for (const [name, args] of CASES) {
        const e = thrown(() => ours[name]!(...args));
        expect(e, name).to.be.instanceOf(RuntimeError);
        const frames = (e as RuntimeError).frames.map((f) => [f.funcIndex, f.offset]);
        expect(frames.length, name).to.be.greaterThan(0);
        expect(frames, name).to.deep.equal(v8Frames(thrown(() => v8[name]!(...args))));
      }
    });
  }
});

// select on a pending compare is a cmov (or a branch around movaps) on the compare's flags:
// every compare kind × every value type, against V8, NaNs included.
const INT_CMP = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const FLOAT_CMP = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
const VALUE_TYPES = ['i32', 'i64', 'f32', 'f64'];

function selectModule(): string {
  let s = '(module';
  for (const [t, ops] of [['i32', INT_CMP], ['i64', INT_CMP], ['f32', FLOAT_CMP], ['f64', FLOAT_CMP]] as const) {
    const cmps = [...ops.map((o) => `${t}.${o}`), ...(t[0] === 'i' ? [`${t}.eqz`] : [])];
    for (const c of cmps) {
      const args = c.endsWith('eqz') ? '(local.get $a)' : '(local.get $a) (local.get $b)';
      for (const v of VALUE_TYPES) {
        s += `
  (func (export "${c}/${v}") (param $a ${t}) (param $b ${t}) (param $x ${v}) (param $y ${v}) (result ${v})
    (select (local.get $x) (local.get $y) (${c} ${args})))`;
      }
      // a constant right-hand side, values computed into registers
      if (!c.endsWith('eqz')) {
        s += `
  (func (export "${c}/const") (param $a ${t}) (param $b ${t}) (param $x i32) (param $y i32) (result i32)
    (select (i32.add (local.get $x) (i32.const 1)) (i32.add (local.get $y) (i32.const 2)) (${c} (local.get $a) (${t}.const 3))))`;
      }
    }
  }
  return `${s})`;
}

describe('pending operators: select on a compare', () => {
  it('matches V8 for every compare and value type', async () => {
    const b = both(await wat(selectModule()));
    const samples: Record<string, unknown[]> = {
      i32: [0, 1, 3, -1, 0x7fffffff, -0x80000000],
      i64: [0n, 1n, 3n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n],
      f32: [0, -0, 1, 3, -2.5, Infinity, NaN],
      f64: [0, -0, 1, 3, -2.5, -Infinity, NaN],
    };
    const xy: Record<string, [unknown, unknown]> = { i32: [11, 22], i64: [11n, 22n], f32: [1.5, -7], f64: [1.5, -7], const: [11, 22] };
    let n = 0;
    for (const name of Object.keys(b.ours)) {
      const [c, v] = name.split('/') as [string, string];
      const t = c.slice(0, 3);
      for (const a of samples[t]!) {
        for (const bb of samples[t]!) {
          const args = [a, bb, ...xy[v]!];
          const [ours, v8] = callBoth(b, name, args);
          expect(ours, `${name}(${args.map(String).join(', ')})`).to.deep.equal(v8);
          n++;
        }
      }
    }
    expect(n).to.be.greaterThan(5000);
  });
});

// Every compare and in-place ALU op of a function is written into one slot (setPending):
// here each pending operator is settled by the next one, which becomes pending in its turn
// with another kind, size and condition, so a settle or consumer that read a field after
// the slot was overwritten would compute with the wrong condition or size.
const CHAINS = `(module
  (func (export "cmp_chain") (param $a i32) (param $b i64) (param $c f64) (result i32)
    (i32.eq
      (i64.lt_u (local.get $b) (i64.const 7))
      (i32.eqz (f64.gt (local.get $c) (f64.const 0.5)))))
  (func (export "cmp_chain_br") (param $a i32) (param $b i64) (param $c f64) (result i32)
    (block (result i32)
      (br_if 0 (i32.const 10)
        (i32.ne (i32.ge_s (local.get $a) (i32.const 2)) (i64.eqz (local.get $b))))
      (drop) (i32.const 20)))
  (func (export "alu_then_cmp") (param $a i32) (param $b i64) (param $c f64) (result i32) (local $x i32)
    (local.set $x (local.get $a))
    (local.set $x (i32.sub (local.get $x) (i32.const 3)))
    (select (local.get $x) (i32.const -1)
      (i32.lt_u (i32.xor (local.get $x) (local.get $a)) (i32.wrap_i64 (local.get $b)))))
  (func (export "alu_settled_by_cmp") (param $a i32) (param $b i64) (param $c f64) (result i32) (local $x i32)
    (local.set $x (local.get $a))
    (if (result i32) (i32.gt_s (i32.and (local.get $x) (i32.const 12)) (i32.const 4))
      (then (local.tee $x (i32.or (local.get $x) (i32.const 0x100))))
      (else (f64.le (local.get $c) (f64.convert_i32_s (local.get $x)))))))`;

describe('pending operators: one slot per function', () => {
  it('chains where each pending operator is settled by the next give V8\'s results', async () => {
    const b = both(await wat(CHAINS));
    let n = 0;
    for (const name of ['cmp_chain', 'cmp_chain_br', 'alu_then_cmp', 'alu_settled_by_cmp']) {
      for (const a of [0, 1, 2, 3, 5, 7, -1, 0x7fffffff, -0x80000000]) {
        for (const bb of [0n, 3n, 7n, 8n, -1n, 0x7fffffffffffffffn]) {
          for (const c of [0, 0.5, 1, -3, NaN]) {
            const args = [a, bb, c];
            const [ours, v8] = callBoth(b, name, args);
            expect(ours, `${name}(${args.map(String).join(', ')})`).to.deep.equal(v8);
            n++;
          }
        }
      }
    }
    expect(n).to.equal(4 * 9 * 6 * 5);
  });
});
