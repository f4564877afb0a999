// Op families beyond the integer core, each in its own file. A family handler reads its
// operator's immediates, emits code and returns true, or returns false for other opcodes.
// (Dead code never reaches them: the compiler skips it before dispatching.)
import type { BinaryReader } from '../../wasm/reader.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { memoryFamily } from './memory.js';
import { bulkMemoryFamily } from './bulk-memory.js';
import { globalsFamily } from './globals.js';
import { tablesFamily } from './tables.js';
import { callIndirectFamily } from './call-indirect.js';
import { refsFamily } from './refs.js';
import { floatFamily } from './float.js';
import { conversionFamily } from './conversions.js';

export type OpFamily = (fc: FunctionCompiler, r: BinaryReader, op: number) => boolean;

export const OP_FAMILIES: OpFamily[] = [
  memoryFamily,
  bulkMemoryFamily,
  globalsFamily,
  tablesFamily,
  callIndirectFamily,
  refsFamily,
  floatFamily,
  conversionFamily,
];
