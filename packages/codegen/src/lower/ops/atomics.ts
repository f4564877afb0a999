// The threads proposal's 0xFE operators on an unshared memory (wasm/operators-atomic.ts).
//
// Every access is bounds-checked like a plain one and then alignment-checked: an effective
// address that is not a multiple of the width traps (unaligned_atomic), in both bounds
// modes. x86 is TSO, so the sequentially consistent operators map as compilers do for C++
// seq_cst atomics: a load is a plain mov; a store is xchg (a locked write, the store and the
// full fence in one); add/sub are lock xadd (sub adds the negation); xchg is xchg; cmpxchg
// and and/or/xor go through cmpxchg (masm/atomic-rmw.ts); atomic.fence is mfence.
//
// On an unshared memory no other thread can wake a waiter, so memory.atomic.wait32/64 trap
// (expected_shared_memory, as the spec says), and memory.atomic.notify wakes nobody: 0.
// Both still check the address first.
import { AluOp, type MemSize } from '../../x64/assembler.js';
import { readMemargOffset } from '../../wasm/memarg.js';
import { lockXadd, mfence, xchgMem } from '../../x64/atomics.js';
import { TrapCode } from '../../abi.js';
import { ValType } from '../../wasm/types.js';
import type { Operator } from '../../wasm/operators.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { constVal, Kind, regVal } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import type { Gpr } from '../masm/registers.js';
import { compareExchange, rmwByCompareExchange, zeroExtendLow, type HeapOperand, type ReleaseOperand } from '../masm/atomic-rmw.js';
import {
  AccessCheck, addressIsLocalHome, heapOperandDone, ownedHeapIndex, popHeapOperand, releaseHeapIndex,
} from './heap-address.js';

/** Lowers one 0xFE operator, its sub-opcode read, its immediates next in `r`. */
export type AtomicLowering = (fc: FunctionCompiler, r: BinaryReader) => void;

const LOOPED_ALU: Readonly<Record<string, AluOp>> = { and: AluOp.And, or: AluOp.Or, xor: AluOp.Xor };

/** The lowering of an operator row, by its mnemonic. */
export function atomicLowering(o: Operator): AtomicLowering {
  const bytes = o.accessBytes;
  const bits = (bytes * 8) as MemSize;
  const type = o.results?.[0] ?? ValType.I32;
  switch (o.name) {
    case 'atomic.fence':
      return (fc, r) => {
        r.readU8(); // reserved 0x00 (validated)
        mfence(fc.asm);
      };
    case 'memory.atomic.notify':
      return (fc, r) => notify(fc, readOffset(r), bytes);
    case 'memory.atomic.wait32':
    case 'memory.atomic.wait64':
      return (fc, r) => wait(fc, readOffset(r), bytes);
  }
  if (/\.atomic\.load/.test(o.name)) return (fc, r) => load(fc, readOffset(r), bits, type);
  if (/\.atomic\.store/.test(o.name)) return (fc, r) => store(fc, readOffset(r), bits);
  const rmw = /\.atomic\.rmw\d*\.(\w+?)(?:_u)?$/.exec(o.name)?.[1];
  switch (rmw) {
    case 'add':
    case 'sub':
    case 'xchg':
      return (fc, r) => rmwInPlace(fc, readOffset(r), bits, type, rmw);
    case 'and':
    case 'or':
    case 'xor': {
      const op = LOOPED_ALU[rmw]!;
      return (fc, r) => {
        const offset = readOffset(r);
        fc.push(regVal(type, rmwByCompareExchange(fc, op, bits, operandAt(fc, offset, bytes), releaser(fc))));
      };
    }
    case 'cmpxchg':
      return (fc, r) => {
        const offset = readOffset(r);
        fc.push(regVal(type, compareExchange(fc, bits, operandAt(fc, offset, bytes), releaser(fc))));
      };
  }
  throw new Error(`BUG: no atomic lowering for ${o.name}`);
}

/** memarg: the alignment hint (ignored), the memory (left for popHeapOperand) and the offset. */
const readOffset = readMemargOffset;

/** The checked heap operand of a `bytes`-wide atomic access at the address on the stack. */
function operandAt(fc: FunctionCompiler, offset: number, bytes: number): HeapOperand {
  return (pinned) => popHeapOperand(fc, offset, bytes, pinned, AccessCheck.BoundsAndAlignment);
}

function releaser(fc: FunctionCompiler): ReleaseOperand {
  return (m) => releaseHeapIndex(fc, m);
}

/** x86 loads are sequentially consistent on their own (TSO): a plain mov or movzx. */
function load(fc: FunctionCompiler, offset: number, bits: MemSize, type: ValType): void {
  const a = fc.asm;
  // As memory.ts's loads: the result reuses the address register unless that is none of ours.
  const dst = fc.peek().kind === Kind.Const || addressIsLocalHome(fc, offset) ? fc.allocGpr() : -1;
  const mem = popHeapOperand(fc, offset, bits / 8, 0, AccessCheck.BoundsAndAlignment);
  const to = (dst >= 0 ? dst : ownedHeapIndex(mem)) as Gpr;
  if (to < 0) throw new Error('BUG: atomic load without a destination register');
  if (bits === 8 || bits === 16) a.movzx_rm(bits, to, mem);
  else a.mov_rm(bits === 64 ? 64 : 32, to, mem);
  heapOperandDone(fc);
  fc.push(regVal(type, to));
}

/** xchg, not mov: a seq_cst store needs the full fence a locked write gives. */
function store(fc: FunctionCompiler, offset: number, bits: MemSize): void {
  const value = fc.popToReg() as Gpr;
  const mem = popHeapOperand(fc, offset, bits / 8, 1 << value, AccessCheck.BoundsAndAlignment);
  xchgMem(fc.asm, bits, mem, value);
  releaseHeapIndex(fc, mem);
  fc.ra.free(RegClass.Gpr, value);
}

/** add, sub, xchg: one locked instruction that leaves the old value in the operand's register. */
function rmwInPlace(fc: FunctionCompiler, offset: number, bits: MemSize, type: ValType, op: 'add' | 'sub' | 'xchg'): void {
  const a = fc.asm;
  const value = fc.popToReg() as Gpr;
  const mem = popHeapOperand(fc, offset, bits / 8, 1 << value, AccessCheck.BoundsAndAlignment);
  if (op === 'sub') a.neg_r(bits === 64 ? 64 : 32, value);
  if (op === 'xchg') xchgMem(a, bits, mem, value);
  else lockXadd(a, bits, mem, value);
  releaseHeapIndex(fc, mem);
  // 32- and 64-bit forms already zero-extend; narrow ones write only the low bits.
  if (bits === 8 || bits === 16) zeroExtendLow(fc, bits, value);
  fc.push(regVal(type, value));
}

/** notify on an unshared memory: nobody can be waiting, so 0 woken, after the address checks. */
function notify(fc: FunctionCompiler, offset: number, bytes: number): void {
  fc.release(fc.pop()); // the count
  releaseHeapIndex(fc, popHeapOperand(fc, offset, bytes, 0, AccessCheck.BoundsAndAlignment));
  fc.push(constVal(ValType.I32, 0));
}

/** wait on an unshared memory traps (it could only time out or hang), after the address checks. */
function wait(fc: FunctionCompiler, offset: number, bytes: number): void {
  fc.release(fc.pop()); // the timeout
  fc.release(fc.pop()); // the expected value
  releaseHeapIndex(fc, popHeapOperand(fc, offset, bytes, 0, AccessCheck.BoundsAndAlignment));
  fc.asm.jmp_label(fc.trap(TrapCode.ExpectedSharedMemory));
  // Never reached; keeps the value stack as the validator typed it.
  fc.push(constVal(ValType.I32, 0));
}
