// Shrinks a module that makes the differential fuzzer fail, keeping the failure: the module
// is printed as folded text by binaryen, then subexpressions are deleted or replaced by
// `(unreachable)` / their first operand, biggest first, as long as the text still parses,
// validates, and the case still fails the same way (checked in a child process, as the
// failure may be a crash or a hang). What is left is the regression test's module.
import { readFileSync, writeFileSync } from 'node:fs';
import { readSExprs, type SNode } from '../spec/sexpr.js';
import { CasePool, type CaseOutcome } from './pool.js';
import { diffPoolOptions } from './diff.js';
import type { DiffJob, DiffResult } from './diff-case.js';

type Binaryen = typeof import('binaryen').default;

function failureKind(o: CaseOutcome<DiffResult>): string | undefined {
  if (o.kind === 'crash') return `crash in ${o.phase}`;
  if (o.kind === 'timeout') return o.phase.startsWith('wasmjit') ? `hang in ${o.phase}` : undefined;
  const r = o.result;
  if (r.status !== 'mismatch') return undefined;
  // The category of the first difference: which check, not the exact values.
  return `mismatch: ${r.differences[0]!.replace(/^\[\w+\] /, '').split(':')[0]!.replace(/#\d+ .*/, '#')}`;
}

function toBinary(binaryen: Binaryen, text: string): Uint8Array | undefined {
  let mod;
  try {
    mod = binaryen.parseText(text);
  } catch {
    return undefined;
  }
  try {
    mod.setFeatures(binaryen.Features.MVP | binaryen.Features.SignExt | binaryen.Features.MutableGlobals |
      binaryen.Features.NontrappingFPToInt | binaryen.Features.BulkMemory | binaryen.Features.Multivalue | binaryen.Features.ReferenceTypes);
    if (!mod.validate()) return undefined;
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}

interface Span {
  start: number;
  end: number;
  size: number;
  first?: { start: number; end: number };
}

/** Candidate spans: list nodes inside functions (not the func forms themselves), biggest first. */
function spans(text: string): Span[] {
  const out: Span[] = [];
  const walk = (n: SNode, depth: number, inFunc: boolean) => {
    if (n.kind !== 'list') return;
    const head = n.items[0];
    const isFunc = head?.kind === 'atom' && head.text === 'func';
    if (inFunc && depth > 0) {
      const firstList = n.items.find((c) => c.kind === 'list');
      out.push({ start: n.start, end: n.end, size: n.end - n.start, first: firstList && { start: firstList.start, end: firstList.end } });
    }
    for (const c of n.items) walk(c, depth + 1, inFunc || isFunc);
  };
  for (const n of readSExprs(text)) walk(n, 0, false);
  return out.sort((a, b) => b.size - a.size);
}

export async function reduceFile(path: string, log: (l: string) => void): Promise<void> {
  const binaryen = (await import('binaryen')).default;
  const original = new Uint8Array(readFileSync(path));
  const pool = new CasePool<DiffJob, DiffResult>(diffPoolOptions(1, 20_000));
  const check = async (bytes: Uint8Array) => failureKind(await pool.run({ seed: 0, index: 0, bytes }));
  try {
    const want = await check(original);
    if (!want) throw new Error(`${path} does not fail: nothing to reduce`);
    log(`failure to keep: ${want}`);
    const m = binaryen.readBinary(original);
    m.setFeatures(binaryen.Features.All);
    let text = m.emitText();
    m.dispose();
    let best: Uint8Array = original;
    let tries = 0;
    for (let changed = true; changed; ) {
      changed = false;
      for (const s of spans(text)) {
        const candidates = [' ', '(unreachable)', ...(s.first ? [text.slice(s.first.start, s.first.end)] : [])];
        for (const c of candidates) {
          const next = text.slice(0, s.start) + c + text.slice(s.end);
          const bin = toBinary(binaryen, next);
          if (!bin) continue;
          tries++;
          if ((await check(bin)) !== want) continue;
          text = next;
          best = bin;
          changed = true;
          log(`  ${tries} tries: ${best.length} bytes`);
          break;
        }
        if (changed) break;
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
