// What an export wrapper runs when the wasm it entered calls a JS import or a builtin.

/**
 * A host call as the export wrapper runs it: `store(Reflect.apply(fn, undefined, args))`,
 * after hostTarget() ran `load()`. Calling fn from the wrapper itself, rather than from a
 * closure that converts around it, keeps one JS frame per level of wasm -> JS -> wasm
 * nesting off the thread's stack (load and store return before and run after fn). `args` is
 * reused: Reflect.apply copies it before fn runs, so a nested call of the same import may
 * refill it.
 */
export interface HostCall {
  readonly fn: (...args: unknown[]) => unknown;
  readonly args: unknown[];
  /** Reads the suspended call's arguments from the call buffer area into args. */
  load(): void;
  /** Converts fn's result (ToWebAssemblyValue) and writes it into the call buffer area. */
  store(r: unknown): void;
}

export const noop = (): void => {};
export const NO_ARGS: unknown[] = [];
Object.freeze(NO_ARGS);

/** A HostCall for a function that takes and returns its values through the call buffer itself (builtins). */
export function directHostCall(fn: () => void): HostCall {
  return { fn, args: NO_ARGS, load: noop, store: noop };
}

