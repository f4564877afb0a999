// The code `explore` lists, and the listing text: shared by the CLI and the disassembly
// fixtures (packages/tests/fixtures/disas), so that a fixture shows exactly what explore shows.
// The code is compiled the way an Engine with the same options compiles it (engine-options.ts).
import { compileModule, type CompiledCode, type WasmModule } from '@wasmjit/codegen';
import { Disassembly, type DisasmMode } from './disasm.js';
import { toolCompileOptions, type ToolEngineOptions } from './engine-options.js';
import { ListingBuilder, selectFunctions, type CodeLine, type FuncListing, type OpBlock } from './explore-model.js';

export type ListingEngineOptions = ToolEngineOptions;

export interface CompiledListing {
  wasm: WasmModule;
  compiled: CompiledCode;
}

/**
 * Decodes, validates and compiles `bytes` as `new Engine(options)` would (see
 * toolCompileOptions), with operator offsets, and with signature ids numbered within the
 * module so that the listing does not depend on what this process compiled before.
 */
export function compileForListing(bytes: Uint8Array, options: ListingEngineOptions = {}): CompiledListing {
  const { compile, features } = toolCompileOptions(options, false);
  const { module, compiled } = compileModule(bytes, features, { ...compile, collectOffsets: true, moduleLocalTypeIds: true });
  return { wasm: module, compiled };
}

/** The listings of the selected defined functions (all when `func` is undefined). */
export function buildListings(c: CompiledListing, mode: DisasmMode, func?: string): FuncListing[] {
  const builder = new ListingBuilder(c.wasm, c.compiled, new Disassembly(c.compiled.code, mode));
  return selectFunctions(c.wasm, func).map((i) => builder.listing(i));
}

const INDENT = '        ';

/**
 * How a listing shows code addresses. explore shows offsets in the module's code blob. The
 * disassembly fixtures show offsets from the function's own start, and name branch targets
 * elsewhere by function (`func[2]+0x10`), so that a change of code size in one function does
 * not renumber every line of the functions after it: a fixture's diff stays local.
 */
export interface AddressStyle {
  /** The address column of an instruction at blob offset `offset` of function `f`. */
  address(f: FuncListing, offset: number): number;
  /** A branch target or rip-relative address (blob offset) as the disassembly shows it. */
  target(f: FuncListing, offset: number): string;
}

export const BLOB_OFFSETS: AddressStyle = {
  address: (_f, offset) => offset,
  target: (_f, offset) => `0x${offset.toString(16)}`,
};

/** Function-relative addresses (see AddressStyle), for code compiled as `compiled`. */
export function functionRelative(compiled: CompiledCode): AddressStyle {
  const { funcOffsets, funcEnds } = compiled;
  return {
    address: (f, offset) => offset - f.codeStart,
    target: (f, offset) => {
      if (offset >= f.codeStart && offset < f.codeEnd) return `0x${(offset - f.codeStart).toString(16)}`;
      const k = funcOffsets.findIndex((start, i) => offset >= start && offset < funcEnds[i]!);
      if (k < 0) return `code+0x${offset.toString(16)}`;
      const delta = offset - funcOffsets[k]!;
      return delta === 0 ? `func[${k}]` : `func[${k}]+0x${delta.toString(16)}`;
    },
  };
}

// objdump's direct branch (`jb 0x5a`, `call 0x71`) and its rip-relative note (`# 0x1234`).
const DIRECT_BRANCH = /^((?:j[a-z]+|call|loop[a-z]*)\s+)0x([0-9a-f]+)$/;
const RIP_NOTE = /(#\s+)0x([0-9a-f]+)$/;

function insnText(text: string, f: FuncListing, style: AddressStyle): string {
  if (style === BLOB_OFFSETS) return text;
  const at = (hex: string) => style.target(f, parseInt(hex, 16));
  return text.replace(DIRECT_BRANCH, (_m, op: string, hex: string) => op + at(hex)).replace(RIP_NOTE, (_m, hash: string, hex: string) => hash + at(hex));
}

function codeLines(f: FuncListing, lines: CodeLine[], style: AddressStyle): string[] {
  return lines.map((l) => {
    if ('comment' in l) return `${INDENT}; ${l.comment}`;
    const { offset, hex, text } = l.insn;
    const addr = style.address(f, offset).toString(16).padStart(6, '0');
    return text === undefined ? `${INDENT}${addr}  ${hex}` : `${INDENT}${addr}  ${hex.padEnd(30)} ${insnText(text, f, style)}`;
  });
}

function opLines(f: FuncListing, b: OpBlock, style: AddressStyle): string[] {
  const ops = b.ops.map((op) => {
    const off = op.offset >= 0 ? `0x${op.offset.toString(16).padStart(4, '0')}` : '      ';
    return `  ${off}  ${op.text}`;
  });
  return [...ops, ...codeLines(f, b.lines, style)];
}

/** One function's listing as text (explore's format), ending with a blank line. */
export function renderListingText(f: FuncListing, style: AddressStyle = BLOB_OFFSETS): string {
  const name = f.name !== undefined ? ` <${f.name}>` : '';
  const where = style === BLOB_OFFSETS ? ` at 0x${f.codeStart.toString(16)}` : '';
  const lines = [
    `func[${f.index}]${name} ${f.signature}`.trimEnd(),
    `  ; ${f.wasmBytes} wasm bytes -> ${f.codeEnd - f.codeStart} bytes of x86-64${where}`,
    ...opLines(f, f.prologue, style),
    ...f.ops.flatMap((b) => opLines(f, b, style)),
  ];
  if (f.outOfLine.length) lines.push('  ; out-of-line code', ...f.outOfLine.flatMap((b) => opLines(f, b, style)));
  return lines.join('\n') + '\n\n';
}
