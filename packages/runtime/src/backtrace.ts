// Trap backtraces: the trap site and return addresses native code recorded at the trap
// (lastTrapPc / lastTrapBacktrace, from the rbp chain: no signals, no unwind tables) mapped
// to wasm functions and byte offsets.
//
// There is no registry of modules: the caller names the modules whose code can be on the
// stack (those of the entered instance's reference domain, see func-wrappers.ts onTrap),
// all alive since that code was running. Looking them up only when a trap happens costs
// nothing per compile and keeps no module alive. Several modules can be on the stack at once
// (imports between instances), so each address is resolved on its own: module by code range,
// function by the module's funcOffsets/funcEnds, wasm offset by its offset map.
import { lookupWasmOffset } from '@wasmjit/codegen';
import { native } from './native.js';
import { compiledParts, type Module } from './module.js';

/** One wasm frame of a trap, innermost first. */
export interface WasmFrame {
  /** Function index in its module's function index space. */
  readonly funcIndex: number;
  /** From the module's name section, when it has one. */
  readonly name: string | undefined;
  /** Byte offset in the module's binary of the trapping / calling operator; -1 if unknown. */
  readonly offset: number;
  /** The module the function belongs to; undefined if the address is in no known module. */
  readonly module: Module | undefined;
}

function moduleAt(address: number, modules: Iterable<Module>): Module | undefined {
  for (const m of modules) {
    // The whole mapping (page-rounded) is the module's: no other code shares its pages.
    const { code } = compiledParts(m)!;
    if (address >= code.address && address < code.address + code.size) return m;
  }
  return undefined;
}

/**
 * The frame for an address that, like a return address, points just after a `call` (the
 * call site itself is `address - 1`).
 */
/**
 * The function whose code holds `codeOffset` in an eagerly laid out module, or -1.
 * funcOffsets ascend (imports' thunks first, then bodies in index order): binary search.
 */
export function functionAt(funcOffsets: ArrayLike<number>, funcEnds: ArrayLike<number>, codeOffset: number): number {
  let lo = 0;
  let hi = funcOffsets.length - 1;
  let f = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (funcOffsets[mid]! <= codeOffset) {
      f = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return f < 0 || codeOffset >= funcEnds[f]! ? -1 : f;
}

function frameAt(address: number, modules: Iterable<Module>): WasmFrame {
  const m = moduleAt(address - 1, modules);
  if (!m) return { funcIndex: -1, name: undefined, offset: -1, module: undefined };
  const { code, compiled, wasm, lazy } = compiledParts(m)!;
  const codeOffset = address - 1 - code.address;
  // Lazily compiled functions live above the slots, in the order they were compiled.
  const placed = lazy?.locate(codeOffset);
  if (placed) return { funcIndex: placed.funcIndex, name: wasm.names.functions.get(placed.funcIndex), offset: placed.offset, module: m };
  const f = functionAt(compiled.funcOffsets, compiled.funcEnds, codeOffset);
  if (f < 0) return { funcIndex: -1, name: undefined, offset: -1, module: m };
  const offset = lookupWasmOffset(compiled.offsetMap, codeOffset, compiled.funcOffsets[f]!);
  return { funcIndex: f, name: wasm.names.functions.get(f), offset, module: m };
}

export interface TrapBacktrace {
  /** Innermost first: the trap site, then each caller. */
  frames: WasmFrame[];
  /** True when native hit its record limit, so older frames are missing. */
  truncated: boolean;
}

/** The wasm frames of the last trap on this thread, whose code is in `modules`. */
export function lastTrapBacktrace(modules: Iterable<Module>): TrapBacktrace {
  const frames: WasmFrame[] = [];
  const pc = native.lastTrapPc();
  if (pc !== 0) frames.push(frameAt(pc, modules));
  const returns = native.lastTrapBacktrace();
  for (const ret of returns) frames.push(frameAt(ret, modules));
  return { frames, truncated: native.lastTrapTruncated() };
}

/** The first byte of the operator a frame is at, from its module's bytes (undefined if unknown). */
export function opcodeAt(f: WasmFrame): number | undefined {
  if (f.module === undefined || f.offset < 0) return undefined;
  return compiledParts(f.module)?.wasm.bytes[f.offset];
}

export function formatFrame(f: WasmFrame): string {
  if (f.funcIndex < 0) return '    at <unknown code>';
  const name = f.name !== undefined ? ` <${f.name}>` : '';
  const offset = f.offset >= 0 ? `0x${f.offset.toString(16)}` : '?';
  return `    at func[${f.funcIndex}]${name} (offset ${offset})`;
}

/** Message lines for a backtrace: runs of one repeated frame (deep recursion) are folded. */
export function formatBacktrace({ frames, truncated }: TrapBacktrace): string {
  const lines: string[] = [];
  for (let i = 0; i < frames.length; ) {
    const line = formatFrame(frames[i]!);
    let j = i + 1;
    while (j < frames.length && formatFrame(frames[j]!) === line) j++;
    lines.push(line);
    const repeats = j - i - 1;
    if (repeats === 1) lines.push(line);
    else if (repeats > 1) lines.push(`    ... (the frame above repeats ${repeats} more times)`);
    i = j;
  }
  if (truncated) lines.push('    ... (older frames not recorded)');
  return lines.join('\n');
}
