// The single pass over one function body: decode an operator, hand it to its handler
// (op-handlers.ts, built from the operator table).
import { CompileError, formatLocation } from '../errors.js';
import { ALL_FEATURES, BinaryReader } from '../wasm/reader.js';
import { opName } from '../wasm/opcodes.js';
import { CtrlKind, FRAMES } from './control.js';
import { FunctionCompiler } from './function-compiler.js';
import type { ModuleEnv } from './module-env.js';
import { readImmediates } from '../wasm/body-scan.js';
import { OP_HANDLERS, RUNS_WHEN_DEAD, unsupportedOperator } from './op-handlers.js';
import { countFuelOp, emitInterruptStubs } from './interrupt-checks.js';
import { consumesPending, settlePending } from './pending-op.js';
import type { LocalUses } from './local-uses.js';
import type { ValType } from '../wasm/types.js';

const NO_PARAMS: ValType[] = [];

/** `uses`: the body's local uses as its validation recorded them (local-uses.ts), else null. */
export function compileFunction(env: ModuleEnv, funcIndex: number, uses: LocalUses | null = null): void {
  const m = env.module;
  const body = m.codes[funcIndex - m.numImportedFuncs]!;
  const r = new BinaryReader(m.bytes, body.bodyStart, body.bodyEnd);
  r.features = ALL_FEATURES; // validated already
  const fc = new FunctionCompiler(env.asm, env, funcIndex, uses);
  const a = env.asm;
  a.bind(env.funcLabels[funcIndex]!);
  a.comment(`func[${funcIndex}]`);
  // The prologue belongs to the function's start (a stack overflow reports it).
  env.offsetMap?.record(a.offset, fc.opOffset);
  fc.emitPrologue();
  FRAMES.reset();
  fc.ctrl.push(FRAMES.open(a, CtrlKind.Func, NO_PARAMS, fc.sig.results, 0, false));
  for (;;) {
    const at = r.pos;
    const op = r.readU8();
    try {
      // The previous operator's code may still wait for this one (pending-op.ts): unless
      // this one consumes it, it is emitted now, as the previous operator's code.
      if (fc.pending !== null && !consumesPending(fc.pending, op, r, fc)) settlePending(fc);
      if (env.trace) a.comment(`@${at.toString(16)} ${opName(m.bytes, at)}`);
      env.opOffsets?.push(at, a.offset);
      // For trap backtraces: code from here on is this operator's, and so are its trap stubs.
      env.offsetMap?.record(a.offset, at);
      fc.opOffset = at;
      if (!fc.dead) countFuelOp(fc); // charged to the open run of code (consumeFuel only)
      if (compileOp(fc, r, op)) break;
    } catch (e) {
      throw withLocation(e, fc);
    }
  }
  emitInterruptStubs(fc); // epoch slow paths, fuel refunds (only with those options)
  fc.finish();
}

/** Returns true at the function's final `end`. */
function compileOp(fc: FunctionCompiler, r: BinaryReader, op: number): boolean {
  // Control operators track reachability themselves; the others emit nothing in dead code.
  if (fc.dead && RUNS_WHEN_DEAD[op] === 0) {
    readImmediates(r, op, r.pos - 1);
    return false;
  }
  const handler = OP_HANDLERS[op];
  if (handler === undefined) throw unsupportedOperator(fc);
  return handler(fc, r);
}

/**
 * Bad input is a CompileError already. Anything else thrown here is the compiler's own fault
 * — a broken invariant ('BUG: …') or a plain exception — and stays an internal error, never
 * a CompileError: a BUG gets the operator it happened at appended, for the bug report.
 */
function withLocation(e: unknown, fc: FunctionCompiler): unknown {
  if (e instanceof CompileError || !(e instanceof Error) || !e.message.startsWith('BUG')) return e;
  const where = `${opName(fc.module.bytes, fc.opOffset)}${formatLocation(fc.opOffset, fc.funcIndex)}`;
  return new Error(`${e.message} (internal compiler error at ${where})`, { cause: e });
}
