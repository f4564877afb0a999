import { readFileSync } from 'node:fs';
const bytes = new Uint8Array(readFileSync(process.argv[2]));
for (let i = 0; i < 3; i++) { const t0 = performance.now(); WebAssembly.validate(bytes); const t1 = performance.now(); new WebAssembly.Module(bytes); console.log('v8 validate', (t1 - t0).toFixed(0), 'compile(lazy)', (performance.now() - t1).toFixed(0)); }
