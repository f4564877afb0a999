import { Engine } from '@wasmjit/runtime';
// make an engine first to learn the address for EPV=2
const e0 = new Engine({ epochInterruption: true });
process.env.EPADDR = String(e0.epoch.address);
await import('./dist/bench/interrupt.js');
