export interface SampleAddon {
  /** Takes the C API table (what the module-level init() passes it). */
  init(nativeApi: unknown): void;
  /** Native import handles: pass them to instantiate() as function imports. */
  imports(): {
    /** (bytes: i32) -> i32: touches `bytes` of stack page by page; returns the sum of the page numbers. */
    use_stack: object;
    /** (x: i32) -> i32: calls the function given to setCallback with x, returns its result; a trap propagates. */
    callback: object;
    /** (bytes: i32) -> i32: recurses in C using `bytes` per level, forever: overflows its stack. */
    overflow: object;
    /** (a: i32, b: i32) -> i32: a + b. */
    add: object;
    /** (ptr: i32, len: i32) -> i32: sum of the caller's memory bytes; traps with a message if out of bounds. */
    mem_sum: object;
    /** (ptr: i32, len: i32, byte: i32) -> (): fills the caller's memory; traps with a message if out of bounds. */
    mem_fill: object;
    /** (x: f64, y: i64) -> (f64, i64): x * 2 and y + 1. */
    twice: object;
    /** (x: f64) -> f64: x, after overwriting xmm8..xmm13 as C code may. */
    scramble: object;
  };
  /** The (i32) -> i32 function `callback` calls: a handle from nativeFunction(exportedFn). */
  setCallback(handle: object): void;
  /** Calls an (i32...) -> i32 export from C; throws an Error with the message and `code` on
   * failure, or lets the exception of a JS import the wasm called propagate. */
  callI32(handle: object, ...args: number[]): number;
  /** Calls an (i32, i32) -> i32 export n times from C (args i, 1); returns the sum of the results. */
  callLoop(handle: object, n: number): number;
  /** How many callback frames finished (ran their cleanup), on this thread. */
  cleanups(): number;
  /** How many times the callback import was entered, on this thread. */
  callbackCalls(): number;
  /** The message of the last failed call the callback import made, on this thread. */
  lastError(): string;
}
export function init(nativeApi: object): SampleAddon;
export const addon: SampleAddon;
