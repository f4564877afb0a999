// The startup clock of a package scenario process (probe.ts installs it when
// PACKAGE_PROBE_FIRST_EXPORT is set): the time from the process's first compile — whatever
// the package calls first: WebAssembly.compile, instantiate with bytes, new Module — to its
// first instance and to the first export call that returns to JavaScript (the outermost one:
// calls an import makes back into wasm during it do not count). The same wrapping runs over
// V8's namespace and over wasmjit's, so both are timed over the same steps, whatever the
// package's glue does in between.
//
// The wrapping only observes: constructors keep their prototypes (instanceof holds), the
// exports object is a frozen copy whose functions forward to the originals (for the
// instances made until the clock stops; later ones are left alone).

export interface FirstExportTiming {
  /** ms from the first compile call to the first instance made. */
  instanceMs: number | null;
  /** ms from the first compile call to the first outermost export call's return. */
  firstExportMs: number;
  /** The export that returned first. */
  firstExport: string;
}

type Namespace = Record<string, unknown>;
type AnyFn = (...args: unknown[]) => unknown;

export function installFirstExportClock(ns: Namespace, report: (t: FirstExportTiming) => void): void {
  let t0: number | null = null;
  let tInstance: number | null = null;
  let depth = 0;
  let done = false;
  const started = () => { t0 ??= performance.now(); };
  const instanced = () => { tInstance ??= performance.now(); };

  const wrapFn = (name: string, f: AnyFn): AnyFn => function (this: unknown, ...args: unknown[]) {
    if (done) return Reflect.apply(f, this, args);
    depth++;
    try {
      return Reflect.apply(f, this, args);
    } finally {
      depth--;
      if (depth === 0 && !done && t0 !== null) {
        done = true;
        const now = performance.now();
        report({ instanceMs: tInstance === null ? null : tInstance - t0, firstExportMs: now - t0, firstExport: name });
      }
    }
  };
  const observe = <T extends object>(instance: T): T => {
    // Only until the clock stops: later instances' functions may go into tables
    // (Emscripten's addFunction), which take real wasm functions only.
    if (done) return instance;
    instanced();
    const original = (instance as { exports: Record<string, unknown> }).exports;
    const copy = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(original)) copy[k] = typeof v === 'function' ? wrapFn(k, v as AnyFn) : v;
    Object.defineProperty(instance, 'exports', { value: Object.freeze(copy), enumerable: false, configurable: true });
    return instance;
  };

  const OrigModule = ns.Module as new (...a: unknown[]) => object;
  const OrigInstance = ns.Instance as new (...a: unknown[]) => object;
  const Module = function Module(this: unknown, ...args: unknown[]) {
    if (new.target === undefined) return Reflect.apply(OrigModule as unknown as AnyFn, this, args);
    started();
    return Reflect.construct(OrigModule, args, new.target === Module ? OrigModule : new.target);
  } as unknown as AnyFn & { prototype: object };
  Module.prototype = OrigModule.prototype;
  for (const k of Object.getOwnPropertyNames(OrigModule)) {
    if (k !== 'prototype' && k !== 'length' && k !== 'name') Object.defineProperty(Module, k, Object.getOwnPropertyDescriptor(OrigModule, k)!);
  }
  const Instance = function Instance(this: unknown, ...args: unknown[]) {
    if (new.target === undefined) return Reflect.apply(OrigInstance as unknown as AnyFn, this, args);
    return observe(Reflect.construct(OrigInstance, args, new.target === Instance ? OrigInstance : new.target));
  } as unknown as AnyFn & { prototype: object };
  Instance.prototype = OrigInstance.prototype;

  const compile = ns.compile as AnyFn;
  const compileStreaming = ns.compileStreaming as AnyFn | undefined;
  const instantiate = ns.instantiate as (...a: unknown[]) => Promise<unknown>;
  const instantiateStreaming = ns.instantiateStreaming as ((...a: unknown[]) => Promise<unknown>) | undefined;
  const observeResult = (r: unknown) => {
    if (r instanceof OrigInstance) return observe(r);
    const pair = r as { instance?: object };
    if (pair && pair.instance instanceof OrigInstance) observe(pair.instance);
    return r;
  };
  const replace = (name: string, value: unknown) => Object.defineProperty(ns, name, { value, writable: true, enumerable: false, configurable: true });
  replace('Module', Module);
  replace('Instance', Instance);
  replace('compile', function compileObserved(this: unknown, ...args: unknown[]) {
    started();
    return Reflect.apply(compile, this, args);
  });
  if (compileStreaming) {
    replace('compileStreaming', function compileStreamingObserved(this: unknown, ...args: unknown[]) {
      started();
      return Reflect.apply(compileStreaming, this, args);
    });
  }
  replace('instantiate', function instantiateObserved(this: unknown, ...args: unknown[]) {
    // With a Module, the compile happened earlier (and started the clock).
    if (!(args[0] instanceof OrigModule)) started();
    return Reflect.apply(instantiate, this, args).then(observeResult);
  });
  if (instantiateStreaming) {
    replace('instantiateStreaming', function instantiateStreamingObserved(this: unknown, ...args: unknown[]) {
      started();
      return Reflect.apply(instantiateStreaming, this, args).then(observeResult);
    });
  }
}
