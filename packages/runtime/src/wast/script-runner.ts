// Runs one WAST script (the spec interpreter's script format, parsed by @wasmjit/text)
// against an engine adapter.
//
// Every command yields exactly one outcome (passed / failed / skipped with a reason), module
// definitions and registrations included, so totals are an honest count of what was checked.
// A skip always names why: a wasm feature the engine does not implement yet, or a script
// construct this runner does not execute (threads) — never a parser limitation.

import { encodeWastModule, parseWast, TextError, type WastAction, type WastCommand, type WastExpected, type WastModule } from '@wasmjit/text';
import type { EngineAdapter, Imports } from './adapter.js';
import { trapCodesFor } from './traps.js';
import {
  expectedType,
  formatExpected,
  formatValue,
  HostRefs,
  isQuietedSNaNMismatch,
  matches,
  toValue,
  UnsupportedValueError,
  type Value,
} from './values.js';

export type Status = 'passed' | 'failed' | 'skipped';

export interface Outcome {
  line: number;
  /** Command kind, e.g. assert_return. */
  command: string;
  status: Status;
  /** Skip reason, or a one-line failure summary. */
  reason?: string;
  /** Failures: the command's source text (truncated). */
  text?: string;
}

/** Skip reasons other than a named unsupported feature (see skipCategory). */
export const SKIP = {
  threads: 'script threads (thread/wait) are not run',
  unavailable: 'module unavailable',
} as const;

export interface RunOptions {
  /** Only report the command at this line (earlier ones still run, unreported). */
  line?: number;
  /**
   * Resume after a crash or hang at this line: earlier commands run again unreported (to
   * rebuild state), this one is not run, later ones report.
   */
  resumeAfter?: number;
  /**
   * The text format's edition: '2.0' for ../shared/spec (whose text caps 32-bit sizes and
   * offsets at u32), '3.0' (default) for the current suite.
   */
  standard?: '2.0' | '3.0';
  /** Called as each reported outcome is produced; awaited if it returns a promise. */
  onOutcome?: (o: Outcome) => void | Promise<void>;
  /** Called before each command runs (lets a worker record where a crash happened). */
  onCommandStart?: (line: number) => void;
}

type InstanceState = { exports: Record<string, unknown> } | { skipped: string } | { failed: string };
type DefinitionState = { module: unknown } | { skipped: string } | { failed: string };

class Skip extends Error {}
class Fail extends Error {}

const MAX_TEXT = 400;

function describeError(e: unknown, adapter: EngineAdapter): string {
  if (e instanceof Error) {
    const kind = adapter.trapKind?.(e);
    return `${e.name}: ${e.message}${kind !== undefined ? ` [trap ${kind}]` : ''}`;
  }
  return `non-Error thrown: ${String(e)}`;
}

/** "module unavailable (why)", without nesting when `why` is already that. */
function unavailable(why: string): string {
  return why.startsWith(SKIP.unavailable) ? why : `${SKIP.unavailable} (${why})`;
}

function featureSkip(feature: string): Skip {
  return new Skip(`not implemented: ${feature}`);
}

/** Runs `src` (a whole .wast script); the outcomes in command order. */
export async function runScript(src: string, adapter: EngineAdapter, opts: RunOptions = {}): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const report = async (o: Outcome): Promise<void> => {
    outcomes.push(o);
    const pending = opts.onOutcome?.(o);
    if (pending) await pending;
  };
  let commands: WastCommand[];
  try {
    commands = parseWast(src);
  } catch (e) {
    if (!(e instanceof TextError)) throw e;
    await report({ line: 0, command: 'script', status: 'failed', reason: `cannot parse the script: ${e.message}` });
    return outcomes;
  }
  const run = new ScriptRun(adapter, opts.standard ?? '3.0');
  if (run.spectestError !== undefined && opts.resumeAfter === undefined && opts.line === undefined) {
    await report({ line: 0, command: 'spectest', status: 'failed', reason: run.spectestError });
  }
  for (const cmd of flatten(commands)) {
    if (opts.line !== undefined && cmd.line > opts.line) break;
    if (opts.resumeAfter !== undefined && cmd.line === opts.resumeAfter) continue;
    const reported = (opts.line === undefined || cmd.line === opts.line) && (opts.resumeAfter === undefined || cmd.line > opts.resumeAfter);
    opts.onCommandStart?.(cmd.line);
    const outcome = run.outcomeOf(cmd);
    if (reported) await report(outcome);
  }
  return outcomes;
}

/** Commands inside `thread` blocks count one by one (as skipped: see ScriptRun.exec). */
function* flatten(commands: WastCommand[], inThread = false): Generator<WastCommand & { inThread?: boolean }> {
  for (const c of commands) {
    if (c.kind === 'thread') yield* flatten(c.commands, true);
    else yield inThread ? { ...c, inThread } : c;
  }
}

class ScriptRun {
  readonly hostRefs = new HostRefs();
  readonly spectest: Record<string, unknown> = {};
  readonly spectestError: string | undefined;
  readonly registry: Imports = {};
  /** Registrations of modules that were skipped: name → the skip reason. */
  readonly skippedRegistrations = new Map<string, string>();
  readonly named = new Map<string, InstanceState>();
  readonly definitions = new Map<string, DefinitionState>();
  current: InstanceState | undefined;

  constructor(
    readonly adapter: EngineAdapter,
    readonly standard: '2.0' | '3.0',
  ) {
    // A broken spectest is one failure; modules that do not import it still run.
    try {
      this.spectest = adapter.makeSpectest();
    } catch (e) {
      this.spectestError = `spectest module setup failed: ${describeError(e, adapter)}`;
    }
  }

  outcomeOf(cmd: WastCommand & { inThread?: boolean }): Outcome {
    try {
      if (cmd.inThread === true || cmd.kind === 'wait') throw new Skip(SKIP.threads);
      this.exec(cmd);
      return { line: cmd.line, command: cmd.kind, status: 'passed' };
    } catch (e) {
      if (e instanceof Skip) return { line: cmd.line, command: cmd.kind, status: 'skipped', reason: e.message };
      const reason = e instanceof Fail ? e.message : `runner error: ${describeError(e, this.adapter)}`;
      const text = cmd.text.length > MAX_TEXT ? cmd.text.slice(0, MAX_TEXT) + ' ...' : cmd.text;
      return { line: cmd.line, command: cmd.kind, status: 'failed', reason, text };
    }
  }

  imports(): Imports {
    return { spectest: this.spectest, ...this.registry };
  }

  /** Bytes for a module; a failure when our text parser rejects it. */
  moduleBytes(m: WastModule): Uint8Array {
    try {
      return encodeWastModule(m, { standard: this.standard });
    } catch (e) {
      // Our parser must read every well-formed module: a rejection is a failure, not a skip.
      if (e instanceof TextError) throw new Fail(`text parser rejected the module: ${e.message}`);
      throw e;
    }
  }

  /** The engine's CompileError for a feature it lacks becomes a skip naming the feature. */
  skipIfUnsupported(e: unknown): void {
    const feature = this.adapter.unsupportedFeature?.(e);
    if (feature !== undefined) throw featureSkip(feature);
  }

  compile(m: WastModule): unknown {
    const bytes = this.moduleBytes(m);
    try {
      return this.adapter.compile(bytes);
    } catch (e) {
      this.skipIfUnsupported(e);
      throw new Fail(`compile failed: ${describeError(e, this.adapter)}`);
    }
  }

  /**
   * A module importing from a registration whose module was skipped (it used a feature the
   * engine lacks) cannot link: it is skipped for that reason too, not failed.
   */
  skipIfImportsSkipped(module: unknown): void {
    if (this.skippedRegistrations.size === 0) return;
    for (const name of this.adapter.importModules?.(module) ?? []) {
      const reason = this.skippedRegistrations.get(name);
      if (reason !== undefined) throw new Skip(reason);
    }
  }

  instantiate(module: unknown): { exports: Record<string, unknown> } {
    this.skipIfImportsSkipped(module);
    try {
      return this.adapter.instantiate(module, this.imports());
    } catch (e) {
      throw new Fail(`instantiate failed: ${describeError(e, this.adapter)}`);
    }
  }

  /** Runs `make` and records its result (or why there is none) as the module state. */
  settle<T extends object>(line: number, make: () => T, record: (st: T | { skipped: string } | { failed: string }) => void): void {
    try {
      record(make());
    } catch (e) {
      if (e instanceof Skip) record({ skipped: e.message });
      else if (e instanceof Fail) record({ failed: `line ${line}: ${e.message}` });
      else record({ failed: `line ${line}: ${String(e)}` });
      throw e;
    }
  }

  instanceFor(id: string | undefined): { exports: Record<string, unknown> } {
    const st = id === undefined ? this.current : this.named.get(id);
    if (st === undefined) throw new Fail(id === undefined ? 'no current module' : `unknown module ${id}`);
    if ('skipped' in st) throw new Skip(unavailable(st.skipped));
    if ('failed' in st) throw new Fail(unavailable(st.failed));
    return st;
  }

  exportOf(action: WastAction): unknown {
    const inst = this.instanceFor(action.module);
    if (!Object.prototype.hasOwnProperty.call(inst.exports, action.name)) throw new Fail(`no export "${action.name}"`);
    return inst.exports[action.name];
  }

  args(action: WastAction): Value[] {
    if (action.kind !== 'invoke') return [];
    try {
      return action.args.map((a) => toValue(a, this.hostRefs));
    } catch (e) {
      if (e instanceof UnsupportedValueError) throw featureSkip(e.message);
      throw e;
    }
  }

  /** Performs an action; engine exceptions propagate unchanged. */
  perform(action: WastAction, args: Value[], expected?: WastExpected[]): Value[] {
    const target = this.exportOf(action);
    let resultTypes;
    try {
      resultTypes = expected?.map(expectedType);
    } catch (e) {
      if (e instanceof UnsupportedValueError) throw featureSkip(e.message);
      throw e;
    }
    if (action.kind === 'get') return [this.adapter.getGlobal(target, resultTypes?.[0])];
    return this.adapter.call(target, args, resultTypes);
  }

  /** Expects `thunk` to trap with a trap matching `message`. */
  expectTrap(thunk: () => unknown, message: string, what: string): void {
    let err: unknown;
    try {
      thunk();
    } catch (e) {
      err = e ?? new Error(`${String(e)} thrown`);
    }
    if (err === undefined) throw new Fail(`expected trap "${message}", but ${what} succeeded`);
    if (err instanceof Skip || err instanceof Fail) throw err;
    if (!this.adapter.isRuntimeError(err)) throw new Fail(`expected trap "${message}", got ${describeError(err, this.adapter)}`);
    const kind = this.adapter.trapKind?.(err);
    if (kind === undefined) return; // the engine cannot tell trap kinds apart here
    const codes = trapCodesFor(message);
    if (codes === undefined) throw new Fail(`no trap-code mapping for message "${message}" (got trap ${kind})`);
    if (!codes.includes(kind)) throw new Fail(`expected trap "${message}" (${codes.join(' | ')}), got trap ${kind}: ${describeError(err, this.adapter)}`);
  }

  /** assert_malformed on text: our parser must reject it. */
  expectMalformedText(m: WastModule, message: string): void {
    try {
      encodeWastModule(m, { standard: this.standard });
    } catch (e) {
      if (e instanceof TextError) return;
      throw e;
    }
    throw new Fail(`expected malformed text ("${message}"), but the text parser accepted it`);
  }

  exec(cmd: WastCommand): void {
    switch (cmd.kind) {
      case 'module': {
        const { id, definition } = cmd.module;
        if (definition) {
          this.settle(cmd.line, () => ({ module: this.compile(cmd.module) }), (st) => {
            if (id !== undefined) this.definitions.set(id, st);
          });
          return;
        }
        // Until it succeeds, later actions on this module see why it is missing.
        this.settle(cmd.line, () => this.instantiate(this.compile(cmd.module)), (st) => {
          this.current = st;
          if (id !== undefined) this.named.set(id, st);
        });
        return;
      }
      case 'module_instance': {
        this.settle(cmd.line, () => {
          const def = cmd.definition === undefined ? undefined : this.definitions.get(cmd.definition);
          if (def === undefined) throw new Fail(`unknown module definition ${cmd.definition ?? '(none)'}`);
          if ('skipped' in def) throw new Skip(unavailable(def.skipped));
          if ('failed' in def) throw new Fail(unavailable(def.failed));
          return this.instantiate(def.module);
        }, (st) => {
          this.current = st;
          if (cmd.instance !== undefined) this.named.set(cmd.instance, st);
        });
        return;
      }
      case 'register':
        try {
          this.registry[cmd.name] = this.instanceFor(cmd.module).exports;
        } catch (e) {
          if (e instanceof Skip) this.skippedRegistrations.set(cmd.name, e.message);
          throw e;
        }
        return;
      case 'action': {
        const args = this.args(cmd.action);
        try {
          this.perform(cmd.action, args);
        } catch (e) {
          if (e instanceof Skip || e instanceof Fail) throw e;
          throw new Fail(`threw ${describeError(e, this.adapter)}`);
        }
        return;
      }
      case 'assert_return': {
        const args = this.args(cmd.action);
        let actual: Value[];
        try {
          actual = this.perform(cmd.action, args, cmd.expected);
        } catch (e) {
          if (e instanceof Skip || e instanceof Fail) throw e;
          if (e instanceof UnsupportedValueError) throw featureSkip(e.message);
          throw new Fail(`threw ${describeError(e, this.adapter)}`);
        }
        const expected = cmd.expected;
        const ok = actual.length === expected.length && expected.every((x, i) => matches(x, actual[i]!, this.hostRefs));
        if (ok) return;
        if (this.adapter.quietsSignallingNaNs && isQuietedSNaNMismatch(args, expected, actual, this.hostRefs)) {
          throw new Skip('signalling NaN quieted crossing JS numbers (a JS API limitation)');
        }
        throw new Fail(`expected [${expected.map(formatExpected).join(', ')}], got [${actual.map((v) => formatValue(v, this.hostRefs)).join(', ')}]`);
      }
      case 'assert_trap':
      case 'assert_exhaustion': {
        const args = this.args(cmd.action);
        this.expectTrap(() => this.perform(cmd.action, args), cmd.message, 'the call');
        return;
      }
      case 'assert_exception': {
        const args = this.args(cmd.action);
        // Only wasm exception handling throws these; without it the module never compiled.
        let err: unknown;
        try {
          this.perform(cmd.action, args);
        } catch (e) {
          err = e ?? new Error(`${String(e)} thrown`);
        }
        if (err instanceof Skip || err instanceof Fail) throw err;
        if (err === undefined) throw new Fail('expected an exception, but the call returned');
        if (this.adapter.isRuntimeError(err)) throw new Fail(`expected an exception, got a trap: ${describeError(err, this.adapter)}`);
        return;
      }
      case 'assert_trap_module':
      case 'assert_uninstantiable': {
        const mod = this.compile(cmd.module);
        this.skipIfImportsSkipped(mod);
        this.expectTrap(() => this.adapter.instantiate(mod, this.imports()), cmd.message, 'instantiation');
        return;
      }
      case 'assert_malformed':
      case 'assert_invalid': {
        // Malformed *text* exercises the text parser; only binary ones reach the engine.
        if (cmd.kind === 'assert_malformed' && cmd.module.source.kind !== 'binary') {
          this.expectMalformedText(cmd.module, cmd.message);
          return;
        }
        const bytes = this.moduleBytes(cmd.module);
        try {
          this.adapter.compile(bytes);
        } catch (e) {
          // Rejected, but for lacking a feature: in a 3.0 script that says nothing about this
          // module. In a 2.0 script the feature does not exist, and rejecting it is right.
          if (this.standard === '3.0') this.skipIfUnsupported(e);
          if (this.adapter.isCompileError(e)) return;
          throw new Fail(`expected compile error "${cmd.message}", got ${describeError(e, this.adapter)}`);
        }
        throw new Fail(`expected compile error "${cmd.message}", but the module compiled`);
      }
      case 'assert_unlinkable': {
        const mod = this.compile(cmd.module);
        this.skipIfImportsSkipped(mod);
        try {
          this.adapter.instantiate(mod, this.imports());
        } catch (e) {
          if (this.adapter.isLinkError(e)) return;
          throw new Fail(`expected link error "${cmd.message}", got ${describeError(e, this.adapter)}`);
        }
        throw new Fail(`expected link error "${cmd.message}", but instantiation succeeded`);
      }
      case 'thread':
      case 'wait':
        throw new Skip(SKIP.threads);
    }
  }
}

/** Skip reason grouped for totals (drops per-case detail). */
export function skipCategory(reason: string | undefined): string {
  if (!reason) return 'unspecified';
  if (reason.startsWith(SKIP.unavailable)) {
    const inner = /^module unavailable \((.*)\)$/.exec(reason)?.[1];
    return inner !== undefined && inner.startsWith('not implemented: ') ? inner : 'module unavailable (skipped earlier)';
  }
  return reason;
}
