// Shrinks a module that makes the differential fuzzer fail, keeping the failure. The module
// is printed as folded text by binaryen; then (1) function bodies are replaced by
// `unreachable`, in halving batches, and (2) subexpressions are deleted or replaced by
// `(unreachable)` or their first operand, biggest first, as long as the text still parses,
// validates, and the case still fails the same way (checked in a child process: the
// failure may be a crash or a hang). What is left is the regression test's module.
import { readFileSync, writeFileSync } from 'node:fs';
import { readSExprs, type SList, type SNode } from '../spec/sexpr.js';
import { CasePool, type CaseOutcome } from './pool.js';
import { diffPoolOptions } from './diff.js';
import type { DiffJob, DiffResult } from './diff-case.js';

type Binaryen = typeof import('binaryen').default;

function failureKind(o: CaseOutcome<DiffResult>): string | undefined {
  if (o.kind === 'crash') return `crash in ${o.phase}`;
  if (o.kind === 'timeout') return o.phase.startsWith('wasmjit') ? `hang in ${o.phase}` : undefined;
  const r = o.result;
  if (r.status !== 'mismatch') return undefined;
  // The category of the first difference (which check), not its values.
  return `mismatch: ${r.differences[0]!.replace(/^\[\w+\] /, '').split(':')[0]!.replace(/#\d+ .*/, '#')}`;
}

/** Text → validated binary, or undefined. binaryen prints validation errors: muted. */
function toBinary(binaryen: Binaryen, text: string): Uint8Array | undefined {
  const log = console.log;
  const err = console.error;
  console.log = console.error = () => {};
  let mod;
  try {
    mod = binaryen.parseText(text);
    mod.setFeatures(binaryen.Features.MVP | binaryen.Features.SignExt | binaryen.Features.MutableGlobals |
      binaryen.Features.NontrappingFPToInt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.Multivalue |
      binaryen.Features.ReferenceTypes | binaryen.Features.SIMD128 | binaryen.Features.TailCall | binaryen.Features.ExtendedConst |
      binaryen.Features.ExceptionHandling);
    if (!mod.validate()) return undefined;
    return mod.emitBinary();
  } catch {
    return undefined;
  } finally {
    mod?.dispose();
    console.log = log;
    console.error = err;
  }
}

interface Span {
  start: number;
  end: number;
  size: number;
  first?: { start: number; end: number };
}

const SIGNATURE_HEADS = new Set(['param', 'result', 'local', 'type', 'export', 'import']);

function funcNodes(text: string): SList[] {
  const out: SList[] = [];
  for (const n of readSExprs(text)) {
    if (n.kind !== 'list') continue;
    for (const c of n.items) if (c.kind === 'list' && c.items[0]?.kind === 'atom' && c.items[0].text === 'func') out.push(c);
  }
  return out;
}

/** The range of a function's instructions (after its signature and locals), if any. */
function bodyRange(f: SList): { start: number; end: number } | undefined {
  const body = f.items.slice(1).filter((c) => !(c.kind === 'list' && c.items[0]?.kind === 'atom' && SIGNATURE_HEADS.has(c.items[0].text)) && c.kind !== 'atom');
  if (body.length === 0) return undefined;
  return { start: body[0]!.start, end: body[body.length - 1]!.end };
}

/** Candidate spans: list nodes inside function bodies, biggest first. */
function spans(text: string): Span[] {
  const out: Span[] = [];
  const walk = (n: SNode, inBody: boolean) => {
    if (n.kind !== 'list') return;
    const head = n.items[0];
    if (inBody) {
      const firstList = n.items.find((c) => c.kind === 'list');
      out.push({ start: n.start, end: n.end, size: n.end - n.start, first: firstList && { start: firstList.start, end: firstList.end } });
    }
    for (const c of n.items) {
      const sig = c.kind === 'list' && c.items[0]?.kind === 'atom' && SIGNATURE_HEADS.has(c.items[0].text);
      walk(c, inBody || (head?.kind === 'atom' && head.text === 'func' && !sig));
    }
  };
  for (const f of funcNodes(text)) walk(f, false);
  return out.sort((a, b) => b.size - a.size);
}

function replaceRanges(text: string, ranges: { start: number; end: number }[], by: string): string {
  let out = text;
  for (const r of [...ranges].sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + by + out.slice(r.end);
  return out;
}

export async function reduceFile(path: string, log: (l: string) => void): Promise<void> {
  const binaryen = (await import('binaryen')).default;
  const original = new Uint8Array(readFileSync(path));
  const pool = new CasePool<DiffJob, DiffResult>(diffPoolOptions(2, 20_000));
  let modes: ('explicit' | 'guard')[] | undefined;
  const check = async (bytes: Uint8Array) => failureKind(await pool.run({ seed: 0, index: 0, bytes, modes }));
  try {
    const want = await check(original);
    if (!want) throw new Error(`${path} does not fail: nothing to reduce`);
    // One bounds-check mode is enough to show it, and halves the time per try.
    modes = ['explicit'];
    if ((await check(original)) !== want) modes = ['guard'];
    log(`failure to keep: ${want} (${modes[0]} bounds checks)`);
    const m = binaryen.readBinary(original);
    m.setFeatures(binaryen.Features.All);
    let text = m.emitText();
    m.dispose();
    let best: Uint8Array = original;
    let tries = 0;
    const attempt = async (next: string): Promise<boolean> => {
      if (next.length >= text.length) return false; // only strict shrinking terminates
      const bin = toBinary(binaryen, next);
      if (!bin) return false;
      tries++;
      if ((await check(bin)) !== want) return false;
      text = next;
      best = bin;
      log(`  ${tries} tries: ${best.length} bytes`);
      return true;
    };

    // (1) Whole function bodies, in batches that halve down to single functions.
    let bodies = funcNodes(text).map(bodyRange).filter((r) => r !== undefined);
    for (let chunk = Math.max(1, bodies.length >> 1); chunk >= 1; chunk >>= 1) {
      for (let i = 0; i < bodies.length; i += chunk) {
        const batch = bodies.slice(i, i + chunk).filter((r) => text.slice(r.start, r.end) !== '(unreachable)');
        if (batch.length && (await attempt(replaceRanges(text, batch, '(unreachable)')))) {
          bodies = funcNodes(text).map(bodyRange).filter((r) => r !== undefined);
        }
      }
    }

    // (2) Subexpressions, biggest first; continue the scan after each success.
    for (let pass = 0, changed = true; changed && pass < 4; pass++) {
      changed = false;
      for (let i = 0; ; i++) {
        const all = spans(text);
        if (i >= all.length) break;
        const s = all[i]!;
        for (const c of ['', '(unreachable)', ...(s.first ? [text.slice(s.first.start, s.first.end)] : [])]) {
          if (await attempt(text.slice(0, s.start) + c + text.slice(s.end))) {
            changed = true;
            i--;
            break;
          }
        }
      }
    }
    const base = path.replace(/\.wasm$/, '');
    writeFileSync(`${base}.reduced.wasm`, best);
    writeFileSync(`${base}.reduced.wat`, text);
    log(`reduced ${original.length} → ${best.length} bytes in ${tries} tries: ${base}.reduced.wat`);
  } finally {
    pool.close();
  }
}
