// The code `explore` lists, and the listing text: shared by the CLI and the disassembly
// fixtures (packages/tests/fixtures/disas), so that a fixture shows exactly what explore shows.
// The code is compiled the way an Engine with the same options compiles it: the Engine
// resolves the options (its defaults, e.g. guard-page bounds checks, live there only).
import { compileModule, type CompiledCode, type WasmModule } from '@wasmjit/codegen';
import { Engine, type EngineOptions } from '../engine.js';
import { compileOptions, engineCodeSettings } from '../module.js';
import { Disassembly, type DisasmMode } from './disasm.js';
import { ListingBuilder, selectFunctions, type CodeLine, type FuncListing, type OpBlock } from './explore-model.js';

/** The engine options a listing can vary; everything else is the Engine's default. */
export type ListingEngineOptions = Pick<EngineOptions, 'boundsChecks' | 'epochInterruption' | 'consumeFuel' | 'features'>;

export interface CompiledListing {
  wasm: WasmModule;
  compiled: CompiledCode;
}

/**
 * Decodes, validates and compiles `bytes` as `new Engine(options)` would, with operator
 * offsets collected. One difference, so that listings hold no absolute address: the engine's
 * epoch cell address is not compiled in, so epoch checks read it from the vmctx (EpochPtr)
 * instead of taking it as an immediate.
 */
export function compileForListing(bytes: Uint8Array, options: ListingEngineOptions = {}): CompiledListing {
  const settings = engineCodeSettings(new Engine(options));
  const { module, compiled } = compileModule(bytes, settings.features, {
    ...compileOptions({ ...settings, epochAddress: undefined }, false),
    collectOffsets: true,
  });
  return { wasm: module, compiled };
}

/** The listings of the selected defined functions (all when `func` is undefined). */
export function buildListings(c: CompiledListing, mode: DisasmMode, func?: string): FuncListing[] {
  const builder = new ListingBuilder(c.wasm, c.compiled, new Disassembly(c.compiled.code, mode));
  return selectFunctions(c.wasm, func).map((i) => builder.listing(i));
}

const INDENT = '        ';

function codeLines(lines: CodeLine[]): string[] {
  return lines.map((l) => {
    if ('comment' in l) return `${INDENT}; ${l.comment}`;
    const { offset, hex, text } = l.insn;
    const addr = offset.toString(16).padStart(6, '0');
    return text === undefined ? `${INDENT}${addr}  ${hex}` : `${INDENT}${addr}  ${hex.padEnd(30)} ${text}`;
  });
}

function opLines(b: OpBlock): string[] {
  const ops = b.ops.map((op) => {
    const off = op.offset >= 0 ? `0x${op.offset.toString(16).padStart(4, '0')}` : '      ';
    return `  ${off}  ${op.text}`;
  });
  return [...ops, ...codeLines(b.lines)];
}

/** One function's listing as text (explore's format), ending with a blank line. */
export function renderListingText(f: FuncListing): string {
  const name = f.name !== undefined ? ` <${f.name}>` : '';
  const lines = [
    `func[${f.index}]${name} ${f.signature}`.trimEnd(),
    `  ; ${f.wasmBytes} wasm bytes -> ${f.codeEnd - f.codeStart} bytes of x86-64 at 0x${f.codeStart.toString(16)}`,
    ...opLines(f.prologue),
    ...f.ops.flatMap(opLines),
  ];
  if (f.outOfLine.length) lines.push('  ; out-of-line code', ...f.outOfLine.flatMap(opLines));
  return lines.join('\n') + '\n\n';
}
