import { expect } from 'chai';
import { OP_FC_NAMES, OP_NAMES, Op, OpFC, opName } from '@wasmjit/codegen';
import { funcModule } from './binary-builder.js';
import { loadWabt } from '../util/wat.js';

describe('wasm/opcodes', () => {
  it('numbers opcodes as the spec does', () => {
    const expected: [number, number][] = [
      [Op.Unreachable, 0x00], [Op.Nop, 0x01], [Op.Block, 0x02], [Op.Loop, 0x03], [Op.If, 0x04], [Op.Else, 0x05],
      [Op.End, 0x0b], [Op.Br, 0x0c], [Op.BrIf, 0x0d], [Op.BrTable, 0x0e], [Op.Return, 0x0f], [Op.Call, 0x10],
      [Op.CallIndirect, 0x11], [Op.Drop, 0x1a], [Op.Select, 0x1b], [Op.SelectT, 0x1c], [Op.LocalGet, 0x20],
      [Op.LocalSet, 0x21], [Op.LocalTee, 0x22], [Op.GlobalGet, 0x23], [Op.GlobalSet, 0x24], [Op.TableGet, 0x25],
      [Op.TableSet, 0x26], [Op.I32Load, 0x28], [Op.I64Load8S, 0x30], [Op.I64Load32U, 0x35], [Op.I32Store, 0x36],
      [Op.F32Store, 0x38], [Op.I64Store32, 0x3e], [Op.MemorySize, 0x3f], [Op.MemoryGrow, 0x40], [Op.I32Const, 0x41],
      [Op.I64Const, 0x42], [Op.F32Const, 0x43], [Op.F64Const, 0x44], [Op.I32Eqz, 0x45], [Op.I32GeU, 0x4f],
      [Op.I64Eqz, 0x50], [Op.F32Eq, 0x5b], [Op.F64Ge, 0x66], [Op.I32Clz, 0x67], [Op.I32Add, 0x6a], [Op.I32Rotr, 0x78],
      [Op.I64Clz, 0x79], [Op.I64Rotr, 0x8a], [Op.F32Abs, 0x8b], [Op.F32Copysign, 0x98], [Op.F64Abs, 0x99],
      [Op.F64Copysign, 0xa6], [Op.I32WrapI64, 0xa7], [Op.I32TruncF32S, 0xa8], [Op.I64ExtendI32U, 0xad],
      [Op.F32DemoteF64, 0xb6], [Op.F64PromoteF32, 0xbb], [Op.I32ReinterpretF32, 0xbc], [Op.F64ReinterpretI64, 0xbf],
      [Op.I32Extend8S, 0xc0], [Op.I64Extend32S, 0xc4], [Op.RefNull, 0xd0], [Op.RefIsNull, 0xd1], [Op.RefFunc, 0xd2],
      [Op.PrefixFC, 0xfc], [Op.PrefixFD, 0xfd],
      [OpFC.I32TruncSatF32S, 0], [OpFC.I64TruncSatF64U, 7], [OpFC.MemoryInit, 8], [OpFC.DataDrop, 9],
      [OpFC.MemoryCopy, 10], [OpFC.MemoryFill, 11], [OpFC.TableInit, 12], [OpFC.ElemDrop, 13], [OpFC.TableCopy, 14],
      [OpFC.TableGrow, 15], [OpFC.TableSize, 16], [OpFC.TableFill, 17],
    ];
    for (const [actual, value] of expected) expect(actual).to.equal(value);
  });

  it('names every opcode once (select has two encodings)', () => {
    const named = OP_NAMES.filter((n) => n && !n.startsWith('<'));
    expect(named.length).to.equal(198); // 6 + 7 + 3 + 7 + 29 + 128 + 3, 8 of exception handling, the 2 tail calls and 5 of typed function references
    expect(new Set(named).size).to.equal(named.length - 1);
    expect(OP_NAMES[0x6a]).to.equal('i32.add');
    expect(OP_NAMES[0x1c]).to.equal('select');
    expect(OP_NAMES[0x06]).to.equal('try');
    expect(OP_FC_NAMES.length).to.equal(18);
    expect(OP_FC_NAMES[OpFC.TableFill]).to.equal('table.fill');
  });

  it('opName decodes the instruction at a position', () => {
    const bytes = new Uint8Array([0x6a, 0xfc, 0x0a, 0xfc, 0x80, 0x00, 0xfc, 0x7f, 0xf3, 0xfd, 0x0c]);
    expect(opName(bytes, 0)).to.equal('i32.add');
    expect(opName(bytes, 1)).to.equal('memory.copy');
    expect(opName(bytes, 3)).to.equal('i32.trunc_sat_f32_s'); // over-long LEB sub-opcode 0
    expect(opName(bytes, 6)).to.equal('<illegal 0xfc 127>');
    expect(opName(bytes, 8)).to.equal('<illegal 0xf3>');
    expect(opName(bytes, 9)).to.equal('v128.const');
    expect(opName(new Uint8Array([0xfd, 0x9a, 0x01]), 0)).to.equal('<illegal 0xfd 154>');
    expect(opName(bytes, 11)).to.equal('<end of input>');
  });

  it('agrees with wabt on the mnemonics of operand-only instructions', async () => {
    const wabt = await loadWabt();
    const ops: number[][] = [];
    for (let op = 0x45; op <= 0xc4; op++) ops.push([op]);
    for (const op of [0x00, 0x01, 0x0f, 0x1a, 0x1b, 0xd1]) ops.push([op]);
    for (let sub = 0; sub < 8; sub++) ops.push([0xfc, sub]);
    // One function per instruction; wabt prints the module without validating it.
    const body = ops.flatMap((op) => [0x00, ...op]);
    const bytes = funcModule([...body, 0x0b]);
    const m = wabt.readWasm(bytes, { readDebugNames: false, check: false, sat_float_to_int: true, sign_extension: true, reference_types: true });
    const text = m.toText({ foldExprs: false });
    m.destroy();
    const printed = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && l !== 'unreachable' && !l.startsWith('(') && l !== ')')
      .map((l) => l.replace(/\)+$/, ''));
    const ours = ops.map((op) => opName(new Uint8Array(op), 0)).filter((n) => n !== 'unreachable');
    expect(printed).to.deep.equal(ours);
  });
});
