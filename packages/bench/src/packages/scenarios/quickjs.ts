// quickjs-emscripten (QuickJS compiled with Emscripten; its default release-sync variant):
// a program exercising QuickJS's C runtime, with calls from QuickJS out to a JS host function
// and pending promise jobs; and, as its own scenario, a JS recursion 1,000 deep.
import type * as QuickJs from 'quickjs-emscripten';
import { scenario } from '../scenario.js';
import { QUICKJS_PROGRAM } from './quickjs-program.js';

type QuickJSWASMModule = Awaited<ReturnType<typeof QuickJs.getQuickJS>>;

export const RECURSION_DEPTH = 1000;

async function load(): Promise<QuickJSWASMModule> {
  const { getQuickJS } = await import('quickjs-emscripten');
  return getQuickJS();
}

/** Evaluates `code` in a fresh context and returns the string that `finish` (QuickJS source) gives. */
function evaluate(quickjs: QuickJSWASMModule, code: string, finish: string): string {
  const vm = quickjs.newContext();
  let text: string;
  try {
    // hostMix(a, b): called from QuickJS, answered by the embedding JS (the wasm -> JS path).
    const hostMix = vm.newFunction('hostMix', (a, b) => vm.newNumber((vm.getNumber(a) * 31 + vm.getNumber(b)) % 1_000_003));
    vm.setProp(vm.global, 'hostMix', hostMix);
    hostMix.dispose();
    vm.unwrapResult(vm.evalCode(code, 'program.js')).dispose();
    vm.runtime.executePendingJobs();
    const result = vm.unwrapResult(vm.evalCode(finish, 'finish.js'));
    text = vm.getString(result);
    result.dispose();
  } catch (e) {
    // After a trap inside QuickJS its heap is inconsistent and disposing aborts: report the
    // first error, not that one.
    try {
      vm.dispose();
    } catch {
      // the error that matters is e
    }
    throw e;
  }
  vm.dispose();
  return text;
}

export const quickjsProgram = scenario({
  name: 'quickjs-emscripten',
  pkg: 'quickjs-emscripten',
  what: 'a program using QuickJS built-ins (sort, JSON, regexp, libm, BigInt, Unicode, classes, promises) and a host function',
  timed: true,
  load,
  async run(quickjs) {
    return { 'result.txt': `${evaluate(quickjs, QUICKJS_PROGRAM, 'result()')}\n` };
  },
});

export const quickjsRecursion = scenario({
  name: 'quickjs-emscripten recursion',
  pkg: 'quickjs-emscripten',
  what: `a JS function recursing ${RECURSION_DEPTH.toLocaleString('en')} deep inside QuickJS (QuickJS's interpreter recurses in wasm)`,
  timed: false,
  load,
  async run(quickjs) {
    const code = `function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); } globalThis.reached = depth(${RECURSION_DEPTH});`;
    return { 'result.txt': `${evaluate(quickjs, code, 'String(reached)')}\n` };
  },
});
