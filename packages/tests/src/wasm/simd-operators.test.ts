// The 0xFD rows (codegen wasm/operators-simd.ts) against wabt's assembler, and the validator
// on them: for every row, a function using the operator is assembled by wabt from its
// mnemonic; our decoder must find that row at the encoded sub-opcode (opName round trip),
// validate it with the simd option, and refuse it without (today's CompileError, as the
// lowering has no SIMD yet). Then per row: a wrong operand type, and for rows with lanes or
// a memarg an out-of-range lane index and an over-large alignment, each patched into the
// bytes wabt produced, must be refused with the spec's message.
import { expect } from 'chai';
import { CompileError, OPERATORS, decodeModule, opName, validateModule, ImmKind, ValType, type Operator } from '@wasmjit/codegen';
import { loadWabt } from '../util/wat.js';

const SIMD = OPERATORS.filter((o) => o.prefix === 0xfd);
const FEATURES = { simd: true, relaxed_simd: true, multi_value: true, bulk_memory: true, reference_types: true };

const TEXT: Record<number, string> = {
  [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64', [ValType.V128]: 'v128',
};

function operand(t: ValType): string {
  return t === ValType.V128 ? 'v128.const i32x4 1 2 3 4' : `${TEXT[t]}.const 1`;
}

function laneCount(name: string): number {
  const lane = /^v128\.(?:load|store)(8|16|32|64)_lane$/.exec(name);
  if (lane) return 128 / Number(lane[1]);
  return Number(/^[if]\d+x(\d+)\./.exec(name)![1]);
}

/** The instruction with its immediates in text. */
function instr(o: Operator): string {
  switch (o.imm) {
    case ImmKind.V128Const: return 'v128.const i64x2 7 8';
    case ImmKind.Shuffle: return `${o.name} ${Array.from({ length: 16 }, (_, i) => i * 2 % 32).join(' ')}`;
    case ImmKind.Lane: return `${o.name} ${laneCount(o.name) - 1}`;
    case ImmKind.MemArgLane: return `${o.name} offset=4 ${laneCount(o.name) - 1}`;
    case ImmKind.MemArg: return `${o.name} offset=4`;
    default: return o.name;
  }
}

function moduleText(o: Operator, params: readonly ValType[]): string {
  const pushes = params.map(operand).join('\n    ');
  const drops = o.results!.map(() => 'drop').join(' ');
  return `(module (memory 1) (func ${pushes}\n    ${instr(o)} ${drops}))`;
}

async function assemble(text: string): Promise<Uint8Array> {
  const w = await loadWabt();
  const m = w.parseWat('simd.wat', text, FEATURES);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

/** Offset of the operator in the code: the last 0xfd whose name is the row's. */
function find(bytes: Uint8Array, o: Operator): number {
  for (let i = bytes.length - 1; i >= 0; i--) if (bytes[i] === 0xfd && opName(bytes, i) === o.name) return i;
  return -1;
}

function validate(bytes: Uint8Array, simd: boolean): string | undefined {
  try {
    validateModule(decodeModule(bytes), { simd });
    return undefined;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return e.message.replace(/ @\+0x[0-9a-f]+.*$/, ''); // the location suffix
  }
}

describe('wasm: the SIMD operator rows', function () {
  this.timeout(60_000);

  it('are the 236 SIMD and 20 relaxed-SIMD operators, one per sub-opcode', () => {
    expect(SIMD.filter((o) => o.code < 0x100).length).to.equal(236);
    expect(SIMD.filter((o) => o.code >= 0x100).length).to.equal(20);
    expect(new Set(SIMD.map((o) => o.name)).size).to.equal(SIMD.length);
  });

  it('wabt encodes each mnemonic at our sub-opcode; each validates with simd and is refused without', async () => {
    const problems: string[] = [];
    for (const o of SIMD) {
      const bytes = await assemble(moduleText(o, o.params!));
      const at = find(bytes, o);
      if (at < 0) {
        problems.push(`${o.name}: not found in wabt's encoding (sub-opcode 0x${o.code.toString(16)})`);
        continue;
      }
      const ok = validate(bytes, true);
      if (ok !== undefined) problems.push(`${o.name}: refused with simd: ${ok}`);
      const off = validate(bytes, false);
      if (off !== 'SIMD not supported') problems.push(`${o.name}: without simd: ${off}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('refuse a wrong operand type', async () => {
    const problems: string[] = [];
    for (const o of SIMD) {
      if (o.params!.length === 0) continue;
      // The last operand replaced by one of another type.
      const params = [...o.params!];
      params[params.length - 1] = params[params.length - 1] === ValType.V128 ? ValType.F64 : ValType.V128;
      const msg = validate(await assemble(moduleText(o, params)), true);
      if (msg === undefined || !msg.startsWith('type mismatch')) problems.push(`${o.name}: ${msg ?? 'accepted'}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('refuse a lane index past the shape and an alignment past the access width', async () => {
    const problems: string[] = [];
    for (const o of SIMD) {
      const lanes = o.imm === ImmKind.Lane || o.imm === ImmKind.MemArgLane;
      const memarg = o.imm === ImmKind.MemArg || o.imm === ImmKind.MemArgLane;
      if (!lanes && !memarg) continue;
      const bytes = await assemble(moduleText(o, o.params!));
      const at = find(bytes, o);
      let p = at + 1;
      while (bytes[p]! & 0x80) p++;
      p++; // past the sub-opcode
      if (memarg) {
        const badAlign = bytes.slice();
        badAlign[p] = Math.log2(o.accessBytes) + 1; // align is one byte here (small values)
        const msg = validate(badAlign, true);
        if (msg !== 'alignment must not be larger than natural') problems.push(`${o.name} align: ${msg ?? 'accepted'}`);
        p += 2; // align, offset=4: one byte each
      }
      if (lanes) {
        const badLane = bytes.slice();
        badLane[p] = laneCount(o.name);
        const msg = validate(badLane, true);
        if (msg !== 'invalid lane index') problems.push(`${o.name} lane: ${msg ?? 'accepted'}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('i8x16.shuffle refuses a lane index of 32; v128.const is constant, other SIMD operators are not', async () => {
    const shuffle = SIMD.find((o) => o.name === 'i8x16.shuffle')!;
    const bytes = await assemble(moduleText(shuffle, shuffle.params!));
    const at = find(bytes, shuffle);
    const bad = bytes.slice();
    bad[at + 2 + 15] = 32;
    expect(validate(bad, true)).to.equal('invalid lane index');
    bad[at + 2 + 15] = 31;
    expect(validate(bad, true)).to.equal(undefined);

    const g = await assemble('(module (global v128 (v128.const i32x4 1 2 3 4)) (func (result v128) (global.get 0)))');
    expect(validate(g, true)).to.equal(undefined);
    expect(validate(g, false)).to.equal('SIMD not supported');
    const notConst = await assemble('(module (global v128 (i32x4.splat (i32.const 1))))');
    expect(() => decodeModule(notConst)).to.throw(CompileError, 'constant expression required');
  });

  it('untyped select takes v128 operands', async () => {
    const bytes = await assemble(`(module (func (result v128)
      (select (v128.const i32x4 1 1 1 1) (v128.const i32x4 2 2 2 2) (i32.const 1))))`);
    expect(validate(bytes, true)).to.equal(undefined);
  });
});
