// Machine code → instructions for `explore`: binutils objdump (Intel syntax) when it is
// installed, otherwise the bytes alone. objdump runs once over the whole code blob; callers
// then take the instructions of each operator's code range.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Insn {
  /** Offset in the code blob. */
  offset: number;
  /** Encoded bytes, as hex pairs. */
  hex: string;
  /** Intel-syntax text; undefined when disassembly is not available (hex mode). */
  text?: string;
}

export type DisasmMode = 'objdump' | 'hex';

export function objdumpAvailable(): boolean {
  const r = spawnSync('objdump', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

// "  1f:\t48 89 e5             \tmov    rbp,rsp"
const LINE = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*))?$/;

/** All instructions of `code`, in order, from one objdump run. */
function objdumpAll(code: Uint8Array): Insn[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasmjit-explore-'));
  try {
    const file = path.join(dir, 'code.bin');
    writeFileSync(file, code);
    // --insn-width keeps each instruction's bytes on one line.
    const r = spawnSync('objdump', ['-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', '--insn-width=15', file], {
      encoding: 'utf8', maxBuffer: 1 << 30,
    });
    if (r.status !== 0) throw new Error(`objdump failed: ${r.stderr || r.error?.message}`);
    const insns: Insn[] = [];
    for (const line of r.stdout.split('\n')) {
      const m = LINE.exec(line);
      if (!m) continue;
      insns.push({ offset: parseInt(m[1]!, 16), hex: m[2]!.trim(), text: (m[3] ?? '').replace(/\s+/g, ' ').trim() });
    }
    return insns;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Hex mode: the range cut into rows of at most 8 bytes. */
function hexRows(code: Uint8Array, start: number, end: number): Insn[] {
  const rows: Insn[] = [];
  for (let at = start; at < end; at += 8) rows.push({ offset: at, hex: hexOf(code.subarray(at, Math.min(end, at + 8))) });
  return rows;
}

/** Instructions by code range, from one pass over the blob. */
export class Disassembly {
  private readonly insns: Insn[] | null;

  constructor(private readonly code: Uint8Array, readonly mode: DisasmMode) {
    this.insns = mode === 'objdump' ? objdumpAll(code) : null;
  }

  /** The instructions starting in [start, end). */
  range(start: number, end: number): Insn[] {
    if (start >= end) return [];
    if (!this.insns) return hexRows(this.code, start, end);
    let lo = 0;
    let hi = this.insns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.insns[mid]!.offset < start) lo = mid + 1;
      else hi = mid;
    }
    const out: Insn[] = [];
    for (let i = lo; i < this.insns.length && this.insns[i]!.offset < end; i++) out.push(this.insns[i]!);
    return out;
  }
}
