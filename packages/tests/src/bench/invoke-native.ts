// Micro benchmark of the JS -> wasm entry path (native invoke). Not a test.
//   node packages/tests/dist/bench/invoke-native.js
// Prints the median over 5 runs of 1e6 calls, in ns per call.
import { AreaStart, callI64, hex, loadCode, makeVmctx, native } from '../native/helpers.js';

const CALLS = 1_000_000;
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function measure(name: string, body: () => void): void {
  for (let i = 0; i < 100_000; i++) body(); // warm up (JIT the loop, fault in pages)
  const perCall: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) body();
    perCall.push(Number(process.hrtime.bigint() - t0) / CALLS);
  }
  console.log(`${name.padEnd(44)} median ${median(perCall).toFixed(1)} ns/call  (runs: ${perCall.map((x) => x.toFixed(1)).join(', ')})`);
}

const vm = makeVmctx();
const ret = loadCode(hex('c3')); // ret
const add2 = loadCode(hex('48 8b 44 24 08  48 03 44 24 10  c3')); // mov rax,[rsp+8]; add rax,[rsp+16]; ret
const invoke = native.invoke;

measure('invoke(ret, nslots=0)', () => {
  invoke(ret.address, vm.address, 0);
});
let sink = 0n;
measure('invoke(add2, nslots=2) + i64 args/result', () => {
  callI64[AreaStart] = 1n;
  callI64[AreaStart + 1] = 2n;
  invoke(add2.address, vm.address, 2);
  sink += callI64[1]!;
});
measure('baseline: native.wasmStackInfo()', () => {
  native.wasmStackInfo();
});
if (sink !== 3n * BigInt(CALLS * RUNS + 100_000)) throw new Error('wrong results');

ret.free();
add2.free();
vm.region.free();
