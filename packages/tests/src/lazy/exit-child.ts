// Child of lazy-exit.test.ts: compiles a module lazily with background compilation and
// returns at once; the process must exit while the worker may still have chunks to do.
import { Engine, Instance } from '@wasmjit/runtime';
import { largeModule } from '../util/large-module.js';

const m = new Engine({ compilation: 'lazy', backgroundCompile: true }).compile(largeModule({ functions: 300, groupsPerFunction: 12 }));
console.log(String((new Instance(m).exports.run as (n: number) => number)(1)));
