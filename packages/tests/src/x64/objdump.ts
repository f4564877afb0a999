// Runs GNU objdump as an independent decoder for the assembler's output.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let available: boolean | undefined;

/** Whether an objdump that understands x86-64 is on PATH (checked once). */
export function objdumpAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('objdump', ['--version'], { encoding: 'utf8' });
    available = r.status === 0 && /GNU objdump/.test(r.stdout);
  }
  return available;
}

export const NO_OBJDUMP = 'objdump (GNU binutils) is not on PATH; install binutils to cross-check encodings';

export interface Decoded {
  offset: number;
  length: number;
  /** Intel syntax, normalised with normalizeAsm. */
  text: string;
}

/**
 * Canonical spelling of one instruction's Intel text so that hand-written expectations and
 * objdump's column-aligned output compare equal: single spaces, no space around commas,
 * upper-case size keywords.
 */
export function normalizeAsm(s: string): string {
  return s
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/ ?, ?/g, ',')
    .replace(/\b(byte|word|dword|qword|xmmword) ptr\b/gi, (_, k: string) => `${k.toUpperCase()} PTR`);
}

/**
 * Disassembles every chunk as if on its own, with at most two objdump processes, and returns
 * the decoded instructions of each chunk in order.
 *
 * All chunks are first decoded as one concatenated file (creating thousands of small files
 * costs far more than decoding). A chunk whose instructions exactly tile its bytes has been
 * decoded independently of its neighbours. Any other chunk (a mis-encoding, or one that
 * the decoder entered misaligned because of an earlier one) is decoded again from a file
 * of its own, so that a single bad encoding cannot blame its neighbours.
 */
export function disassemble(chunks: readonly Uint8Array[]): Decoded[][] {
  const dir = mkdtempSync(join(tmpdir(), 'wasmjit-x64-'));
  try {
    const starts: number[] = [];
    let total = 0;
    for (const c of chunks) {
      starts.push(total);
      total += c.length;
    }
    const all = new Uint8Array(total);
    chunks.forEach((c, i) => all.set(c, starts[i]!));
    writeFileSync(join(dir, 'all.bin'), all);
    const whole = parse(runObjdump(dir, ['all.bin'])).get('all.bin') ?? [];

    const out: Decoded[][] = chunks.map(() => []);
    const rebaseFailed = new Set<number>();
    let k = 0;
    chunks.forEach((c, i) => {
      const start = starts[i]!;
      const end = start + c.length;
      while (k < whole.length && whole[k]!.offset < end) {
        const d = whole[k++]!;
        // objdump prints a relative branch as its absolute target: make it chunk-relative.
        const text = d.text.replace(BRANCH, (_, op: string, target: string) => {
          const t = parseInt(target, 16) - start;
          if (t < 0) rebaseFailed.add(i); // would wrap in a file of its own: decode it alone
          return `${op} 0x${t.toString(16)}`;
        });
        out[i]!.push({ offset: d.offset - start, length: d.length, text });
      }
    });
    const suspect = chunks
      .map((c, i) => i)
      .filter((i) => rebaseFailed.has(i) || !tiles(out[i]!, chunks[i]!.length));
    if (suspect.length > 0) {
      const names = suspect.map((i) => {
        writeFileSync(join(dir, `c${i}.bin`), chunks[i]!);
        return `c${i}.bin`;
      });
      // Batches keep the command line far below its length limit.
      for (let b = 0; b < names.length; b += 2000) {
        const parsed = parse(runObjdump(dir, names.slice(b, b + 2000)));
        for (const name of names.slice(b, b + 2000)) out[Number(name.slice(1, -4))] = parsed.get(name) ?? [];
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BRANCH = /^(j[a-z]+|call|loop[a-z]*|xbegin) 0x([0-9a-f]+)$/;

/** Whether decoded instructions start at 0, follow each other without gaps, and end at len. */
function tiles(ds: readonly Decoded[], len: number): boolean {
  let at = 0;
  for (const d of ds) {
    if (d.offset !== at) return false;
    at += d.length;
  }
  return at === len;
}

function runObjdump(cwd: string, files: string[]): string {
  const r = spawnSync(
    'objdump',
    ['-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', '--insn-width=16', ...files],
    { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`objdump failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** objdump's listing, by input file name. */
function parse(stdout: string): Map<string, Decoded[]> {
  const out = new Map<string, Decoded[]>();
  let current: Decoded[] | undefined;
  for (const line of stdout.split('\n')) {
    const file = /^(\S+\.bin):\s+file format/.exec(line);
    if (file) {
      current = [];
      out.set(file[1]!, current);
      continue;
    }
    // "   1f:\t4c 01 c0             \tadd    rax,r8"; a data tail objdump cannot decode
    // still yields a line (with "(bad)" or no text), which the length checks then catch.
    const insn = /^\s*([0-9a-f]+):\t([0-9a-f ]+)\t?(.*)$/.exec(line);
    if (insn && current) {
      const bytes = insn[2]!.trim().split(/\s+/).filter((b) => b.length > 0);
      current.push({ offset: parseInt(insn[1]!, 16), length: bytes.length, text: normalizeAsm(insn[3]!) });
    }
  }
  return out;
}

/**
 * Call first thing in a test that needs objdump: without it, the test is reported as skipped
 * (mocha's this.skip() takes no reason, so the reason goes into the title and the log).
 */
export function skipWithoutObjdump(ctx: Mocha.Context): void {
  if (objdumpAvailable()) return;
  if (ctx.test) ctx.test.title += ` (skipped: ${NO_OBJDUMP})`;
  console.warn(`      skipped: ${NO_OBJDUMP}`);
  ctx.skip();
}
