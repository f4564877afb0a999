import { writeFileSync } from 'node:fs';
import { findProgram } from './dist/programs.js';
import { compileModule } from '@wasmjit/codegen';
const [name, tier, which] = process.argv.slice(2);
const { module, compiled } = compileModule(findProgram(name).bytes(), {}, { tier });
let best = -1, size = 0;
for (let i = module.numImportedFuncs; i < module.funcs.length; i++) {
  const s = compiled.funcEnds[i] - compiled.funcOffsets[i];
  if (which ? i === Number(which) : s > size) { best = i; size = s; }
}
console.error('func', best, 'size', compiled.funcEnds[best] - compiled.funcOffsets[best]);
writeFileSync('/tmp/opt-func.bin', compiled.code.subarray(compiled.funcOffsets[best], compiled.funcEnds[best]));
