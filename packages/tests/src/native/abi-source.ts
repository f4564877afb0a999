// Reads the numbers of the ABI contract from their sources, for abi-header.test.ts: the
// const enums and constants of packages/codegen/src/abi.ts (const enums have no runtime
// object to enumerate) and the enums and #defines of the add-on's headers (native/src/*.h).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, from packages/tests/{src,dist}/native. */
const ROOT = path.resolve(HERE, '../../../..');
export const ABI_TS = path.join(ROOT, 'packages/codegen/src/abi.ts');
export const NATIVE_SRC = path.join(ROOT, 'native/src');

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/**
 * Evaluates a constant expression of numbers, earlier names, + - * ( ) and C's `u` suffix.
 * Anything else is refused, so that a form this parser does not know fails the test loudly.
 */
function evaluate(expr: string, known: ReadonlyMap<string, number>, where: string): number {
  const replaced = expr
    .replace(/\b(0x[0-9a-f]+|\d+)u\b/gi, '$1')
    .replace(/\b[A-Za-z_]\w*\b/g, (name) => {
      if (/^0x/i.test(name)) return name;
      const v = known.get(name);
      if (v === undefined) throw new Error(`${where}: unknown name '${name}' in '${expr}'`);
      return String(v);
    });
  if (!/^[\s\d+\-*()xa-f]*$/i.test(replaced)) throw new Error(`${where}: unsupported expression '${expr}'`);
  return Number(new Function(`return (${replaced});`)());
}

/** Members of one `export const enum NAME { ... }` of abi.ts, in order. */
export function abiEnum(name: string): Map<string, number> {
  const text = stripComments(readFileSync(ABI_TS, 'utf8'));
  const m = new RegExp(`export const enum ${name}\\s*\\{([^}]*)\\}`).exec(text);
  if (!m) throw new Error(`abi.ts has no const enum ${name}`);
  const members = new Map<string, number>();
  for (const part of m[1]!.split(',').map((p) => p.trim()).filter(Boolean)) {
    const member = /^([A-Za-z_]\w*)\s*=\s*(.+)$/s.exec(part);
    if (!member) throw new Error(`abi.ts ${name}: cannot read member '${part}'`);
    members.set(member[1]!, evaluate(member[2]!, members, `abi.ts ${name}`));
  }
  return members;
}

/** The value of `export const NAME = expr;` in abi.ts. */
export function abiConst(name: string): number {
  const text = stripComments(readFileSync(ABI_TS, 'utf8'));
  const m = new RegExp(`export const ${name}\\s*=\\s*([^;]+);`).exec(text);
  if (!m) throw new Error(`abi.ts has no constant ${name}`);
  return evaluate(m[1]!, new Map(), `abi.ts ${name}`);
}

/** Every `NAME = value` of an enum and every `#define NAME value` (object-like) in native/src/*.h, by file. */
export function headerConstants(): Map<string, { value: number; file: string }> {
  const out = new Map<string, { value: number; file: string }>();
  const known = new Map<string, number>();
  for (const file of readdirSync(NATIVE_SRC).filter((f) => f.endsWith('.h')).sort()) {
    const text = stripComments(readFileSync(path.join(NATIVE_SRC, file), 'utf8'));
    const add = (name: string, expr: string) => {
      let value: number;
      try {
        value = evaluate(expr.trim(), known, file);
      } catch {
        return; // not a numeric constant (attributes, types): not part of the contract
      }
      if (out.has(name)) throw new Error(`${name} is defined twice (${out.get(name)!.file}, ${file})`);
      known.set(name, value);
      out.set(name, { value, file });
    };
    for (const m of text.matchAll(/^[ \t]*#define[ \t]+(WJ_\w+)[ \t]+([^\n]+)$/gm)) add(m[1]!, m[2]!);
    for (const m of text.matchAll(/\benum\s*\w*\s*\{([^}]*)\}/g)) {
      for (const part of m[1]!.split(',').map((p) => p.trim()).filter(Boolean)) {
        const member = /^(WJ_\w+)\s*=\s*(.+)$/s.exec(part);
        if (member) add(member[1]!, member[2]!);
      }
    }
  }
  return out;
}

/** MemBase → MEM_BASE, HostCall → HOST_CALL. */
export function cName(tsName: string): string {
  return tsName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
