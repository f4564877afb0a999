// A testharness.js-compatible shim: the part of web-platform-tests' harness that the
// WebAssembly JS-API tests (js-api/*.any.js) use, with the same semantics as
// testharness.js (https://web-platform-tests.org/writing-tests/testharness-api.html):
// test() runs at once; promise_test() bodies run one after another, each after the
// previous one settled, the first after the file's synchronous code; a failed step marks
// its test failed even when the exception is caught by the code under test; assert_throws_js
// requires the thrown object's constructor to be exactly the given one. Also the legacy
// assert_throws(object, fn) / promise_rejects() that limits.any.js still uses, and mjsunit's
// assertEquals, which limits.any.js calls too (V8 runs these files with mjsunit loaded).
//
// installHarness() puts the functions on globalThis, where the test files (run as scripts
// with vm.runInThisContext) find them; results() waits for the promise tests.

export type Status = 'PASS' | 'FAIL' | 'TIMEOUT' | 'NOTRUN';

export interface TestResult {
  name: string;
  status: Status;
  message?: string;
}

export interface HarnessResults {
  tests: TestResult[];
  /** Errors outside any test: a setup() or top-level exception, an unhandled rejection. */
  harnessErrors: string[];
}

/** Thrown by failed assertions (as in testharness.js, an Error subclass of its own). */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

function assert(condition: boolean, fn: string, description: string | undefined, message: string): void {
  if (!condition) throw new AssertionError(`${fn}: ${description ? `${description} ` : ''}${message}`);
}

function sameValue(x: unknown, y: unknown): boolean {
  return Object.is(x, y);
}

const REPLACEMENTS: Record<string, string> = {
  '\0': '\\0', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r',
};

/** testharness.js format_value: test names built with it must come out the same. */
export function formatValue(val: unknown, seen: unknown[] = []): string {
  if (typeof val === 'object' && val !== null) {
    if (seen.includes(val)) return '[...]';
    seen.push(val);
  }
  if (Array.isArray(val)) return `[${val.map((x) => formatValue(x, seen)).join(', ')}]`;
  switch (typeof val) {
    case 'string': {
      let s = val.replace(/\\/g, '\\\\');
      for (const [from, to] of Object.entries(REPLACEMENTS)) s = s.split(from).join(to);
      // Other control characters as \uXXXX, as testharness.js does.
      s = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      return `"${s.replace(/"/g, '\\"')}"`;
    }
    case 'boolean':
    case 'undefined':
      return String(val);
    case 'number':
      return Object.is(val, -0) ? '-0' : String(val);
    case 'bigint':
      return `${val}n`;
    case 'object':
      if (val === null) return 'null';
      break;
  }
  try {
    const s = String(val);
    return `${typeof val} "${s.length > 1000 ? `${s.slice(0, 998)}...` : s}"`;
  } catch (e) {
    return `[stringifying object threw ${String(e)} with type ${typeof e}]`;
  }
}

function errorMessage(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const { name, message } = e as { name?: unknown; message?: unknown };
    return e instanceof AssertionError ? String(message) : `${String(name)}: ${String(message)}`;
  }
  return String(e);
}

class Test {
  status: Status = 'NOTRUN';
  message: string | undefined;
  /** A result is set (a failure, or done); later ones are ignored. */
  hasResult = false;
  /** When the test body started running (for the trace). */
  startedAt = Date.now();
  private readonly cleanups: (() => unknown)[] = [];

  constructor(readonly name: string, private readonly harness: Harness) {}

  step<A extends unknown[], R>(fn: (...args: A) => R, thisObj: unknown, ...args: A): R | undefined {
    if (this.hasResult) return undefined;
    try {
      return fn.apply(thisObj, args);
    } catch (e) {
      this.fail(e);
      return undefined;
    }
  }

  step_func<A extends unknown[], R>(fn: (...args: A) => R, thisObj?: unknown): (...args: A) => R | undefined {
    return (...args: A) => this.step(fn, thisObj ?? this, ...args);
  }

  unreached_func(description?: string): () => void {
    return this.step_func(() => assert_unreached(description));
  }

  add_cleanup(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  fail(e: unknown): void {
    if (this.hasResult) return;
    this.hasResult = true;
    this.status = 'FAIL';
    this.message = errorMessage(e);
  }

  /** Ends the test: PASS unless it failed already; then its cleanups run. */
  done(): void {
    if (!this.hasResult) {
      this.hasResult = true;
      this.status = 'PASS';
    }
    for (const c of this.cleanups.splice(0)) {
      try {
        c();
      } catch (e) {
        this.harness.error(`cleanup of "${this.name}" threw ${errorMessage(e)}`);
      }
    }
    this.harness.trace?.(`${this.status} ${this.name} (${Date.now() - this.startedAt} ms)`);
  }
}

class Harness {
  readonly tests: Test[] = [];
  readonly harnessErrors: string[] = [];
  private promiseQueue: Promise<void> = Promise.resolve();
  private untitled = 0;
  /** After a failed setup() no further tests run (testharness.js completes the file). */
  private stopped = false;

  constructor(private readonly promiseTimeoutMs: number, readonly trace: ((line: string) => void) | undefined) {}

  error(message: string): void {
    this.harnessErrors.push(message);
  }

  private newTest(fn: unknown, name: unknown): Test | undefined {
    if (this.stopped) return undefined;
    const t = new Test(this.testName(fn, name), this);
    this.tests.push(t);
    return t;
  }

  private readonly seenBodies = new Map<string, number>();

  /**
   * testharness.js get_test_name: the given name; else a one-line arrow function's body
   * (numbered when repeated); else "Untitled", "Untitled 1", ...
   */
  private testName(fn: unknown, name: unknown): string {
    if (typeof name === 'string' && name !== '') return name;
    if (typeof fn === 'function') {
      const code = Function.prototype.toString.call(fn);
      const arrow = /^\(\)\s*=>\s*(?:{(.*)}\s*|(.*))$/.exec(code);
      if (arrow !== null && !/[\u000A\u000D\u2028\u2029]/.test(code)) {
        const body = (arrow[1] ?? arrow[2]!).trim().replace(/^([^;]*)(;\s*)+$/, '$1');
        if (body) {
          const seen = this.seenBodies.get(body) ?? 0;
          this.seenBodies.set(body, seen + 1);
          return seen ? `${body} ${seen}` : body;
        }
      }
    }
    return this.untitled++ === 0 ? 'Untitled' : `Untitled ${this.untitled - 1}`;
  }

  test(fn: (t: Test) => unknown, name?: string): void {
    const t = this.newTest(fn, name);
    if (!t) return;
    const value = t.step(fn, t, t);
    if (value !== undefined) t.fail(new AssertionError(`test(): the function passed to test() returned a value (${formatValue(value)})`));
    t.done();
  }

  promise_test(fn: (t: Test) => unknown, name?: string): void {
    const t = this.newTest(fn, name);
    if (!t) return;
    this.promiseQueue = this.promiseQueue.then(() => this.runPromiseTest(t, fn));
  }

  private async runPromiseTest(t: Test, fn: (t: Test) => unknown): Promise<void> {
    t.startedAt = Date.now();
    const promise = t.step(fn, t, t);
    t.step(() => {
      assert(typeof promise === 'object' && promise !== null && typeof (promise as PromiseLike<unknown>).then === 'function',
        'promise_test', undefined, `test body must return a 'thenable' object (received ${formatValue(promise)})`);
    }, t);
    if (t.hasResult) {
      t.done();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.promiseTimeoutMs);
    });
    const outcome = await Promise.race([
      Promise.resolve(promise).then(() => 'fulfilled' as const, (e: unknown) => {
        t.fail(e);
        return 'rejected' as const;
      }),
      timeout,
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout' && !t.hasResult) {
      t.hasResult = true;
      t.status = 'TIMEOUT';
      t.message = `the promise did not settle within ${this.promiseTimeoutMs / 1000} s`;
    }
    t.done();
  }

  setup(fnOrProperties?: unknown): void {
    if (typeof fnOrProperties !== 'function') return;
    try {
      (fnOrProperties as () => void)();
    } catch (e) {
      this.error(`setup threw ${errorMessage(e)}`);
      this.stopped = true;
    }
  }

  async results(): Promise<HarnessResults> {
    // Tests may queue more promise tests while running; wait until the queue stays put.
    let queue: Promise<void>;
    do {
      queue = this.promiseQueue;
      await queue;
    } while (queue !== this.promiseQueue);
    return {
      tests: this.tests.map((t) => ({ name: t.name, status: t.status, ...(t.message !== undefined ? { message: t.message } : {}) })),
      harnessErrors: this.harnessErrors,
    };
  }
}

// ── assertions (testharness.js semantics) ───────────────────────────────────────────

export function assert_true(actual: unknown, description?: string): void {
  assert(actual === true, 'assert_true', description, `expected true got ${formatValue(actual)}`);
}

export function assert_false(actual: unknown, description?: string): void {
  assert(actual === false, 'assert_false', description, `expected false got ${formatValue(actual)}`);
}

export function assert_equals(actual: unknown, expected: unknown, description?: string): void {
  if (typeof actual !== typeof expected) {
    assert(false, 'assert_equals', description,
      `expected (${typeof expected}) ${formatValue(expected)} but got (${typeof actual}) ${formatValue(actual)}`);
  }
  assert(sameValue(actual, expected), 'assert_equals', description, `expected ${formatValue(expected)} but got ${formatValue(actual)}`);
}

export function assert_not_equals(actual: unknown, expected: unknown, description?: string): void {
  assert(!sameValue(actual, expected), 'assert_not_equals', description, `got disallowed value ${formatValue(actual)}`);
}

export function assert_array_equals(actual: unknown, expected: ArrayLike<unknown>, description?: string): void {
  assert(typeof actual === 'object' && actual !== null && 'length' in actual, 'assert_array_equals', description,
    `value is ${formatValue(actual)}, expected array`);
  const a = actual as ArrayLike<unknown>;
  assert(a.length === expected.length, 'assert_array_equals', description,
    `lengths differ, expected array ${formatValue(expected)} length ${expected.length}, got ${formatValue(a)} length ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    const has = Object.prototype.hasOwnProperty;
    assert(has.call(a, i) === has.call(expected, i), 'assert_array_equals', description,
      `expected property ${i} to be ${has.call(expected, i) ? 'present' : 'missing'}`);
    assert(sameValue(expected[i], a[i]), 'assert_array_equals', description,
      `expected property ${i} to be ${formatValue(expected[i])} but got ${formatValue(a[i])} (expected array ${formatValue(expected)} got ${formatValue(a)})`);
  }
}

export function assert_own_property(object: unknown, name: PropertyKey, description?: string): void {
  assert(Object.prototype.hasOwnProperty.call(object, name), 'assert_own_property', description,
    `expected property ${formatValue(name)} missing`);
}

export function assert_not_own_property(object: unknown, name: PropertyKey, description?: string): void {
  assert(!Object.prototype.hasOwnProperty.call(object, name), 'assert_not_own_property', description,
    `unexpected property ${formatValue(name)} is found on object`);
}

export function assert_class_string(object: unknown, className: string, description?: string): void {
  const actual = Object.prototype.toString.call(object);
  const expected = `[object ${className}]`;
  assert(actual === expected, 'assert_class_string', description, `expected ${formatValue(expected)} but got ${formatValue(actual)}`);
}

export function assert_unreached(description?: string): never {
  throw new AssertionError(`assert_unreached: ${description ?? ''} Reached unreachable code`);
}

/** Calls func and returns what it threw; fails when it returns normally. */
function thrownBy(fn: () => unknown, name: string, description: string | undefined): unknown {
  try {
    fn();
  } catch (e) {
    if (e instanceof AssertionError) throw e;
    return e;
  }
  assert(false, name, description, `${formatValue(fn)} did not throw`);
  return undefined;
}

function assertThrowsJsImpl(constructor: unknown, e: unknown, name: string, description: string | undefined): void {
  assert(typeof e === 'object' && e !== null, name, description, `threw ${formatValue(e)} with type ${typeof e}, not an object`);
  assert(typeof constructor === 'function', name, description, `${formatValue(constructor)} is not a constructor`);
  let obj: unknown = constructor;
  while (obj) {
    if (typeof obj === 'function' && obj.name === 'Error') break;
    obj = Object.getPrototypeOf(obj);
  }
  assert(obj !== null && obj !== undefined, name, description, `${formatValue(constructor)} is not an Error subtype`);
  const err = e as { constructor: unknown; name: unknown };
  const ctor = constructor as { name: unknown };
  assert(err.constructor === constructor && err.name === ctor.name, name, description,
    `threw ${formatValue(e)} (${String(err.name)}) expected instance of ${formatValue(constructor)} (${String(ctor.name)})`);
}

export function assert_throws_js(constructor: unknown, fn: () => unknown, description?: string): void {
  assertThrowsJsImpl(constructor, thrownBy(fn, 'assert_throws_js', description), 'assert_throws_js', description);
}

export function assert_throws_exactly(exception: unknown, fn: () => unknown, description?: string): void {
  const e = thrownBy(fn, 'assert_throws_exactly', description);
  assert(sameValue(e, exception), 'assert_throws_exactly', description, `threw ${formatValue(e)} but we expected it to throw ${formatValue(exception)}`);
}

/** The legacy assert_throws(code, func): with an object as code, the names must match. */
export function assert_throws(code: unknown, fn: () => unknown, description?: string): void {
  const e = thrownBy(fn, 'assert_throws', description);
  assert(typeof code === 'object' && code !== null, 'assert_throws', description, 'the shim supports only an exception object as code');
  assert(typeof e === 'object' && e !== null && 'name' in e && (e as { name: unknown }).name === (code as { name: unknown }).name,
    'assert_throws', description, `threw ${formatValue(e)} expected ${formatValue(code)} (${String((code as { name: unknown }).name)})`);
}

export function promise_rejects_js(t: Test, constructor: unknown, promise: Promise<unknown>, description?: string): Promise<void> {
  return Promise.resolve(promise).then(t.unreached_func(`Should have rejected: ${description ?? ''}`), (e: unknown) => {
    assertThrowsJsImpl(constructor, e, 'promise_rejects_js', description);
  });
}

export function promise_rejects(t: Test, expected: unknown, promise: Promise<unknown>, description?: string): Promise<void> {
  return Promise.resolve(promise).then(t.unreached_func(`Should have rejected: ${description ?? ''}`), (e: unknown) => {
    assert_throws(expected, () => {
      throw e;
    }, description);
  });
}

/** mjsunit's assertEquals, for limits.any.js (primitives compared with Object.is). */
export function assertEquals(expected: unknown, found: unknown, message?: string): void {
  assert(sameValue(expected, found), 'assertEquals', message, `expected ${formatValue(expected)} found ${formatValue(found)}`);
}

/** Installs the harness on globalThis; returns it for collecting the results. */
export function installHarness(
  promiseTimeoutMs: number,
  trace?: (line: string) => void,
): { results(): Promise<HarnessResults>; error(message: string): void } {
  const h = new Harness(promiseTimeoutMs, trace);
  const globals: Record<string, unknown> = {
    test: h.test.bind(h),
    promise_test: h.promise_test.bind(h),
    setup: h.setup.bind(h),
    done: () => {},
    format_value: (v: unknown) => formatValue(v),
    assert_true, assert_false, assert_equals, assert_not_equals, assert_array_equals,
    assert_own_property, assert_not_own_property, assert_class_string, assert_unreached,
    assert_throws_js, assert_throws_exactly, assert_throws, promise_rejects_js, promise_rejects,
    assertEquals,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
  return { results: () => h.results(), error: (m) => h.error(m) };
}
