// Which error a module with several problems reports. The reference interpreter decodes the
// whole module before validating any of it, so a malformed encoding anywhere wins over any
// validation error. wasmjit's decoder does not scan function bodies (the validator checks
// their encoding in the same pass as their types, validate/function.ts); so whenever
// something fails, the bodies that pass did not reach are scanned here, syntactically only,
// and the first malformed one's error is the one to report.

import { CompileError } from '../errors.js';
import { scanBody } from '../wasm/body-scan.js';
import { BinaryReader } from '../wasm/reader.js';
import type { WasmModule } from '../wasm/types.js';

/**
 * The decoder's error for the first malformed body among defined functions from..to-1, or
 * undefined if they are all well formed. Bodies are scanned as the decoder did before it
 * left them to the validator: with the module-wide reader (a body's instructions may run
 * past its declared size into the bytes after it, as the reference decoder reads them) and
 * no function index on the error.
 */
export function malformedBodyError(m: WasmModule, from: number, to: number): CompileError | undefined {
  const r = new BinaryReader(m.bytes);
  r.features = m.features ?? {};
  try {
    for (let i = from; i < to && i < m.codes.length; i++) {
      const body = m.codes[i]!;
      r.pos = body.offset;
      r.readVarU32(); // the body's size: it decoded once
      const start = r.pos;
      r.pos = body.bodyStart;
      scanBody(r);
      if (r.pos !== body.bodyEnd) r.fail('section size mismatch', start);
    }
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  return undefined;
}
