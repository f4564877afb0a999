// WebAssembly.Instance over the runtime's Instance (../instance.ts). Imports are read and
// checked here first (imports.ts); the exports object is the JS API's: null prototype,
// frozen, with the runtime's Memory/Table/Global objects as their WebAssembly wrappers.
import { Instance as RuntimeInstance, type Imports } from '../instance.js';
import { moduleInfo, type Module as RuntimeModule } from '../module.js';
import { Memory as RuntimeMemory } from '../memory.js';
import { Table as RuntimeTable } from '../table.js';
import { Global as RuntimeGlobal } from '../global.js';
import { isInstantiationTrap, RuntimeError } from '../errors.js';
import { checkImportObject, readImports } from './imports.js';
import { runtimeModule } from './module.js';
import { wrapMemory } from './memory.js';
import { wrapTable } from './table.js';
import { wrapGlobal } from './global.js';
import { webidlInterface } from './webidl.js';
import { phases } from '../startup-phases.js';

const exportsOf = new WeakMap<object, object>();

/**
 * Instantiates `module` with imports already read (readImports) and builds the exports
 * object. A segment that does not fit traps with V8's message, which names the API call.
 */
export function instantiateCore(module: RuntimeModule, imports: Imports, what: string): object {
  let instance: RuntimeInstance;
  try {
    instance = new RuntimeInstance(module, imports);
  } catch (e) {
    if (isInstantiationTrap(e)) throw new RuntimeError(`${what}: ${e.message}`, { trap: e.trap });
    throw e;
  }
  const exports = Object.create(null) as Record<string, unknown>;
  for (const e of moduleInfo(module).exports) {
    const v = instance.exports[e.name];
    let value: unknown = v;
    if (v instanceof RuntimeMemory) value = wrapMemory(v);
    else if (v instanceof RuntimeTable) value = wrapTable(v);
    else if (v instanceof RuntimeGlobal) value = wrapGlobal(v);
    Object.defineProperty(exports, e.name, { value, writable: false, enumerable: true, configurable: false });
  }
  phases?.mark('instance: JS API exports');
  return Object.freeze(exports);
}

/** A WebAssembly.Instance for an exports object made by instantiateCore. */
export function wrapInstance(exports: object): Instance {
  const i = Object.create(Instance.prototype) as Instance;
  exportsOf.set(i, exports);
  return i;
}

export class Instance {
  constructor(module: unknown, ...rest: unknown[]) {
    const what = 'WebAssembly.Instance()';
    const rt = runtimeModule(module, what);
    checkImportObject(rest[0], what);
    exportsOf.set(this, instantiateCore(rt, readImports(rt, rest[0], what), what));
  }

  get exports(): object {
    const exports = typeof this === 'object' && this !== null ? exportsOf.get(this) : undefined;
    if (exports === undefined) throw new TypeError('WebAssembly.Instance.exports(): Receiver is not a WebAssembly.Instance');
    return exports;
  }
}
webidlInterface(Instance, 'WebAssembly.Instance');
