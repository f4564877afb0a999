// Linking linear memory: imported or created Memory, vmctx MemBase/MemSize, memory builtins,
// active data segments. (Owned by the memory work; see abi.ts and layout.ts.)
import { LinkError } from './errors.js';
import type { InstanceBuild } from './instance-build.js';

export function linkMemories(b: InstanceBuild): void {
  if (b.wasm.memories.length > 0) throw new LinkError('memories are not supported yet');
}

/** Apply active data segments (after tables' element segments, per the spec's order). */
export function initDataSegments(b: InstanceBuild): void {
  if (b.wasm.datas.length > 0) throw new LinkError('data segments are not supported yet');
}

/** The export object for memory `index`. */
export function exportMemory(b: InstanceBuild, index: number): unknown {
  return b.memories[index];
}
