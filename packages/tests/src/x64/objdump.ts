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
 * Disassembles every chunk on its own (one file per chunk, so a mis-encoded instruction
 * cannot desynchronise its neighbours) with a single objdump process. Returns the decoded
 * instructions of each chunk, in order.
 */
export function disassemble(chunks: readonly Uint8Array[]): Decoded[][] {
  const dir = mkdtempSync(join(tmpdir(), 'wasmjit-x64-'));
  try {
    const names: string[] = [];
    chunks.forEach((c, i) => {
      const name = `c${i}.bin`;
      writeFileSync(join(dir, name), c);
      names.push(name);
    });
    const out: Decoded[][] = chunks.map(() => []);
    // Pass files in batches to stay far below the command-line length limit.
    const BATCH = 2000;
    for (let start = 0; start < names.length; start += BATCH) {
      const batch = names.slice(start, start + BATCH);
      const r = spawnSync(
        'objdump',
        ['-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', '--insn-width=16', ...batch],
        { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      );
      if (r.error) throw r.error;
      if (r.status !== 0) throw new Error(`objdump failed (${r.status}): ${r.stderr}`);
      parseInto(r.stdout, out);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseInto(stdout: string, out: Decoded[][]): void {
  let current: Decoded[] | undefined;
  for (const line of stdout.split('\n')) {
    const file = /^c(\d+)\.bin:\s+file format/.exec(line);
    if (file) {
      current = out[Number(file[1])];
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
