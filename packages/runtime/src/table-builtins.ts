// The table builtins generated code calls through host_call (see Builtin in abi.ts and
// codegen ops/tables.ts): table.grow/fill/copy/init and elem.drop, plus table.get/set for
// completeness (generated code does those two inline). Bulk ones work on the elements with
// typed-array operations after the spec's bounds checks, so a trap writes nothing.
//
// Arguments are in the call buffer's area slots in the order listed at each builtin; i32s
// are the low 4 bytes of a slot, read unsigned; references are a whole slot of raw bits. The
// result, if any, goes to slot 0. A trap is a thrown RuntimeError (see memory-builtins.ts).
import { Builtin, CallBuffer, TrapCode } from '@wasmjit/codegen';
import { cbI32, cbI64 } from './call-buffer.js';
import { instantiationTrap, trapError } from './errors.js';
import type { TableStore } from './table-store.js';

/** Element segment contents (raw reference bits) by segment index; null once dropped. */
export type ElemSegments = (BigUint64Array | null)[];

const EMPTY = new BigUint64Array(0);

function arg(i: number): number {
  return cbI32[2 * (CallBuffer.AreaStart + i)]! >>> 0;
}

/** Slot i as a table index or size: a u64 (as a number, see below) for a 64-bit table, else a u32. */
function idx(i: number, t: TableStore): number {
  if (!t.is64) return arg(i);
  // Above 2^53 a number rounds, but such an index is past every table: same outcome.
  return arg(i) + (cbI32[2 * (CallBuffer.AreaStart + i) + 1]! >>> 0) * 2 ** 32;
}

function refArg(i: number): bigint {
  return BigInt.asUintN(64, cbI64[CallBuffer.AreaStart + i]!);
}

function outOfBounds(): never {
  throw trapError(TrapCode.OutOfBoundsTable);
}

function table(tables: TableStore[], i: number): TableStore {
  const t = tables[i];
  if (!t) throw new Error(`BUG: table builtin for missing table ${i}`);
  return t;
}

/** Install the builtins that only need the instance's tables. */
export function installTableBuiltins(builtins: (() => void)[], tables: TableStore[]): void {
  // table.grow(init, delta, table) → old length, or -1
  builtins[Builtin.TableGrow] = () => {
    const t = table(tables, arg(2));
    const delta = idx(1, t);
    const old = delta > 0xffffffff ? -1 : t.grow(delta, refArg(0));
    cbI32[2 * CallBuffer.AreaStart] = old;
    // An i64 result (table64): -1 sign-extended, a length zero-extended.
    cbI32[2 * CallBuffer.AreaStart + 1] = old < 0 ? -1 : 0;
  };
  // table.fill(dst, value, len, table)
  builtins[Builtin.TableFill] = () => {
    const t = table(tables, arg(3));
    const dst = idx(0, t), len = idx(2, t);
    if (dst + len > t.length) outOfBounds();
    t.elements.fill(refArg(1), dst, dst + len);
  };
  // table.copy(dst, src, len, dstTable, srcTable): copyWithin is memmove for one table.
  builtins[Builtin.TableCopy] = () => {
    const to = table(tables, arg(3));
    const from = table(tables, arg(4));
    const dst = idx(0, to), src = idx(1, from), len = to.is64 && from.is64 ? idx(2, to) : arg(2);
    if (src + len > from.length || dst + len > to.length) outOfBounds();
    if (to === from) to.elements.copyWithin(dst, src, src + len);
    else to.elements.set(from.elements.subarray(src, src + len), dst);
  };
  // table.get(index, table) → value
  builtins[Builtin.TableGet] = () => {
    const t = table(tables, arg(1));
    const i = idx(0, t);
    if (i >= t.length) outOfBounds();
    cbI64[CallBuffer.AreaStart] = BigInt.asIntN(64, t.elements[i]!);
  };
  // table.set(index, value, table)
  builtins[Builtin.TableSet] = () => {
    const t = table(tables, arg(2));
    const i = idx(0, t);
    if (i >= t.length) outOfBounds();
    t.elements[i] = refArg(1);
  };
}

/** Install table.init and elem.drop, which need the element segments. */
export function installElemBuiltins(builtins: (() => void)[], tables: TableStore[], segments: ElemSegments): void {
  // table.init(dst, src, len, segment, table): a dropped segment behaves as an empty one.
  builtins[Builtin.TableInit] = () => {
    const t = table(tables, arg(4));
    const dst = idx(0, t), src = arg(1), len = arg(2);
    const seg = segments[arg(3)] ?? EMPTY;
    // The table side first, then the segment's (V8's order: its messages differ).
    if (dst + len > t.length) outOfBounds();
    if (src + len > seg.length) throw trapError(TrapCode.OutOfBoundsTable, undefined, 'element segment out of bounds');
    t.elements.set(seg.subarray(src, src + len), dst);
  };
  // elem.drop(segment)
  builtins[Builtin.ElemDrop] = () => {
    segments[arg(0)] = null;
  };
}

/** Apply table.init for an active segment at instantiation (traps like the builtin). */
export function initTable(t: TableStore, dst: number, items: BigUint64Array): void {
  if (dst + items.length > t.length) throw instantiationTrap(TrapCode.OutOfBoundsTable, 'table index is out of bounds');
  t.elements.set(items, dst);
}
