// Entry point of the background compile worker (background-compile.ts): compiles a module
// exactly as the Module constructor would on the calling thread (the caller's engine
// settings, its epoch cell address included), maps the code and registers it with its
// artifact in the process-wide registry (module-share.ts), and answers with the registry id.
// The caller adopts the very pages mapped here; the registry entry is kept until the caller
// says it has them (a 'release' request), so that it cannot vanish in between.
import { parentPort } from 'node:worker_threads';
import { compileModule } from '@wasmjit/codegen';
import { loadCode, releaseEntry, shareCode } from '../code-memory.js';
import { native } from '../native.js';
import { encodeArtifact } from './module-artifact.js';
import { compileOptions } from '../module.js';
import { serializeError, type CompileReply, type CompileRequest, type WorkerRequest } from './background-compile-protocol.js';

/** Registry entries of compiled jobs, until their caller has adopted them. */
const held = new Map<number, object>();

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.kind === 'release') {
    const entry = held.get(request.job);
    held.delete(request.job);
    // Now, not when this (mostly idle) thread next collects garbage: until then the entry
    // would keep the module's code pages and artifact.
    if (entry !== undefined) releaseEntry(entry);
    return;
  }
  parentPort!.postMessage(compile(request));
});

function compile(request: CompileRequest): CompileReply {
  const { job, settings } = request;
  try {
    const snapshot = native.openSnapshot(request.snapshot);
    // The caller holds the snapshot until it has the answer.
    if (snapshot === null) throw new Error('BUG: the module bytes to compile are gone');
    const bytes = new Uint8Array(snapshot);
    const { compiled } = compileModule(bytes, settings.features, compileOptions(settings, request.parallelCompile));
    const code = loadCode(compiled.code);
    const { entry, id } = shareCode(code, encodeArtifact({
      settings,
      funcOffsets: compiled.funcOffsets,
      funcEnds: compiled.funcEnds,
      typeIdSites: compiled.typeIdSites ?? null,
      offsetMap: compiled.offsetMap,
      // The caller has them (background-compile.ts adoptBackgroundCompile).
      bytes: null,
    }));
    // The entry holds the pages now; this thread never runs them.
    code.free();
    held.set(job, entry);
    return { job, id };
  } catch (e) {
    return { job, error: serializeError(e) };
  }
}
