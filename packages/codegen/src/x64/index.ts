// Public surface of the x86-64 assembler. assembler.js also re-exports the operand types
// (operands.ts) and Label, so that the lowering can import everything from one module.
export * from './regs.js';
export * from './cond.js';
export * from './code-buffer.js';
export * from './assembler.js';
export * from './sse-mem.js';
export * from './extra-nop.js';
export * from './extra-abs.js';
export * from './extra-bt.js';
export * from './atomics.js';
export * from './simd-ops.js';
export * from './simd.js';
export * from './vex.js';
export { cpuFeatures, type CpuFeatures } from './cpu-features.js';
