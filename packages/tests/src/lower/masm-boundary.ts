// The rule that lowering code names no physical register (issue 16): the operators' lowering
// (packages/codegen/src/lower/ops), the host-call thunk, the trap stubs and the function
// compiler's helpers get temporaries from the register allocator and every fixed register
// (scratch, vmctx, the frame, division's rdx:rax, a shift's cl, host_call's arguments) from
// the macro assembler (lower/masm). This reads their sources and lists what breaks the rule.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, from packages/tests/{src,dist}/lower. */
const ROOT = path.resolve(HERE, '../../../..');
const LOWER = path.join(ROOT, 'packages/codegen/src/lower');
export const REGISTERS_TS = path.join(LOWER, 'masm/registers.ts');

/**
 * The files under the rule: every ops/*.ts, and the function-level code around them
 * (function-compiler.ts, host-thunk.ts, trap-stubs.ts). Outside it: masm/ itself, the
 * allocator's register pools (regalloc.ts, local-regs.ts) and the frame layout (frame.ts).
 */
export function boundaryFiles(): string[] {
  const ops = readdirSync(path.join(LOWER, 'ops'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(LOWER, 'ops', f));
  return [...ops, ...['function-compiler.ts', 'host-thunk.ts', 'trap-stubs.ts'].map((f) => path.join(LOWER, f))];
}

/**
 * The role constants masm/registers.ts exports (`export const NAME: Gpr|Xmm = ...`): using
 * one directly would bypass the macro assembler (and withScratch's overlap check).
 */
export function roleNames(registersSource: string): string[] {
  return [...registersSource.matchAll(/^export const (\w+): (?:Gpr|Xmm)\b/gm)].map((m) => m[1]!);
}

/** Source without comments (so that prose may say "r11"); strings are kept. */
function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const PHYSICAL = /\b(RAX|RCX|RDX|RBX|RSP|RBP|RSI|RDI|R8|R9|R1[0-5]|XMM(?:1[0-5]|[0-9]))\b/;

const RULES: { what: string; re: RegExp }[] = [
  { what: 'imports the physical registers (x64/regs)', re: /from\s+'[./]*x64\/regs\.js'/ },
  { what: 'names a physical register', re: PHYSICAL },
  { what: 'writes raw code bytes (use a masm operation)', re: /\.buf\.|\bput[1248]\(|\bpatch32\(/ },
  { what: 'emits an instruction with implicit registers (masm div/shiftByCount)', re: /\b(cdq|cqo|div_r|idiv_r|shift_rcl|lockCmpxchg)\(/ },
  { what: 'addresses a native entry of the vmctx (masm callHost/rethrow)', re: /Vmctx\.(HostCall|TrapUnwind)\b/ },
  { what: 'picks a fixed register by number', re: /\b(popToSpecific|claim|evict)\(\s*(?:RegClass\.\w+\s*,\s*)?\d|\bra\.(take|free)\(.*,\s*\d+\s*\)/ },
];

/** Every line of `src` (named `file`) that breaks the rule, as "file:line: what: text". */
export function violations(file: string, src: string, roles: readonly string[]): string[] {
  const rules = [...RULES];
  if (roles.length > 0) rules.push({ what: 'uses a register role directly (ask the masm)', re: new RegExp(`\\b(${roles.join('|')})\\b`) });
  const out: string[] = [];
  stripComments(src).split('\n').forEach((line, i) => {
    for (const r of rules) if (r.re.test(line)) out.push(`${file}:${i + 1}: ${r.what}: ${line.trim()}`);
  });
  return out;
}

export function readSource(file: string): string {
  return readFileSync(file, 'utf8');
}
