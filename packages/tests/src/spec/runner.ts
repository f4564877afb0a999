// Runs one parsed .wast script against an engine adapter.
//
// Every command yields exactly one outcome (passed / failed / skipped with a
// reason), module definitions and registrations included, so totals are an
// honest count of what was checked.

import type { EngineAdapter, Imports } from './adapter.js';
import { trapCodesFor } from './traps.js';
import {
  expectedType,
  formatExpected,
  formatValue,
  HostRefs,
  isQuietedSNaNMismatch,
  matches,
  parseConst,
  parseExpected,
  UnsupportedError,
  type Expected,
  type Value,
} from './values.js';
import { quotedModuleText, watToBinary, watToBinaryOurs, type loadWabt, type TextParser, type WabtFeatures } from './wat.js';
import { parseWast, type Action, type Command, type ModuleDef } from './wast.js';

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

export const SKIP = {
  textMalformed: 'text-format malformed module (tests a text parser; wabt is not ours)',
  wabt: 'wabt cannot encode',
  quietedNaN: 'known V8-adapter limitation: signalling NaN quieted crossing JS numbers',
  simd: 'v128 (SIMD) not supported',
} as const;

type Wabt = Awaited<ReturnType<typeof loadWabt>>;

export interface RunOptions {
  /** Only report the command at this line (earlier ones still run, unreported). */
  line?: number;
  /**
   * Resume after a crash or hang at this line: earlier commands run again
   * unreported (to rebuild state), this one is not run, later ones report.
   */
  resumeAfter?: number;
  features: WabtFeatures;
  /** Text → binary: our @wasmjit/text (default) or wabt. */
  textParser?: TextParser;
  /** Called as each reported outcome is produced (lets a worker stream them); awaited if it returns a promise. */
  onOutcome?: (o: Outcome) => void | Promise<void>;
  /** Called before each command runs (lets a worker record where a crash happened). */
  onCommandStart?: (line: number) => void;
}

type InstanceState = { exports: Record<string, unknown> } | { skipped: string } | { failed: string };

class Skip extends Error {}
class Fail extends Error {}

function describeError(e: unknown, adapter: EngineAdapter): string {
  if (e instanceof Error) {
    const kind = adapter.trapKind?.(e);
    return `${e.name}: ${e.message}${kind !== undefined ? ` [trap ${kind}]` : ''}`;
  }
  return `non-Error thrown: ${String(e)}`;
}

const MAX_TEXT = 400;

export async function runScript(src: string, adapter: EngineAdapter, wabt: Wabt, opts: RunOptions): Promise<Outcome[]> {
  const commands = parseWast(src);
  const textParser: TextParser = opts.textParser ?? 'wasmjit';
  const outcomes: Outcome[] = [];
  const hostRefs = new HostRefs();
  // A broken spectest is one failure; modules that do not import it still run.
  let spectest: Record<string, unknown> = {};
  let spectestError: string | undefined;
  try {
    spectest = adapter.makeSpectest();
  } catch (e) {
    spectestError = `spectest module setup failed: ${describeError(e, adapter)}`;
  }
  const registry: Imports = {};
  const named = new Map<string, InstanceState>();
  let current: InstanceState | undefined;

  const imports = (): Imports => ({ spectest, ...registry });

  /** Bytes for a module; `Skip` when we cannot produce them. */
  const moduleBytes = (def: ModuleDef): Uint8Array => {
    const s = def.source;
    if (s.kind === 'binary') return s.bytes;
    const text = s.kind === 'quote' ? quotedModuleText(s.text) : s.text;
    if (textParser === 'wasmjit') {
      // Our parser must read every well-formed module: a rejection is a failure, not a skip.
      const ours = watToBinaryOurs(text);
      if ('error' in ours) throw new Fail(`text parser rejected the module: ${ours.error}`);
      return ours.bytes;
    }
    const r = watToBinary(wabt, text, opts.features);
    if ('error' in r) throw new Skip(`${SKIP.wabt}: ${r.error.split('\n')[0]}`);
    return r.bytes;
  };

  /** assert_malformed on text: our parser must reject it (wabt's verdict is not checked). */
  const expectMalformedText = (def: ModuleDef, message: string): void => {
    if (textParser !== 'wasmjit') throw new Skip(SKIP.textMalformed);
    const s = def.source;
    const text = s.kind === 'quote' ? quotedModuleText(s.text) : s.kind === 'text' ? s.text : '';
    const r = watToBinaryOurs(text);
    if (!('error' in r)) throw new Fail(`expected malformed text ("${message}"), but the text parser accepted it`);
  };

  const compile = (def: ModuleDef): unknown => {
    const bytes = moduleBytes(def);
    try {
      return adapter.compile(bytes);
    } catch (e) {
      throw new Fail(`compile failed: ${describeError(e, adapter)}`);
    }
  };

  const instanceFor = (id: string | undefined): { exports: Record<string, unknown> } => {
    const st = id === undefined ? current : named.get(id);
    if (st === undefined) throw new Fail(id === undefined ? 'no current module' : `unknown module ${id}`);
    if ('skipped' in st) throw new Skip(`module unavailable (${st.skipped})`);
    if ('failed' in st) throw new Fail(`module unavailable (${st.failed})`);
    return st;
  };

  const exportOf = (action: Action): unknown => {
    const inst = instanceFor(action.module);
    if (!Object.prototype.hasOwnProperty.call(inst.exports, action.name)) throw new Fail(`no export "${action.name}"`);
    return inst.exports[action.name];
  };

  const parseArgs = (action: Action): Value[] => {
    if (action.kind !== 'invoke') return [];
    try {
      return action.args.map((a) => parseConst(a, hostRefs));
    } catch (e) {
      if (e instanceof UnsupportedError) throw new Skip(SKIP.simd);
      throw new Fail(`bad argument: ${(e as Error).message}`);
    }
  };

  /** Perform an action; engine exceptions propagate unchanged. */
  const perform = (action: Action, args: Value[], expected?: Expected[]): Value[] => {
    const target = exportOf(action);
    const resultTypes = expected?.map(expectedType);
    if (action.kind === 'get') return [adapter.getGlobal(target, resultTypes?.[0])];
    return adapter.call(
      target,
      args,
      args.map((a) => a.type),
      resultTypes,
    );
  };

  /** Expect `thunk` to trap with a trap matching `message`. */
  const expectTrap = (thunk: () => unknown, message: string, what: string): void => {
    let threw = false;
    let err: unknown;
    try {
      thunk();
    } catch (e) {
      threw = true;
      err = e;
    }
    if (!threw) throw new Fail(`expected trap "${message}", but ${what} succeeded`);
    if (err instanceof Skip || err instanceof Fail) throw err;
    if (!adapter.isRuntimeError(err)) throw new Fail(`expected trap "${message}", got ${describeError(err, adapter)}`);
    const kind = adapter.trapKind?.(err);
    if (kind === undefined) return; // engine cannot tell trap kinds apart here
    const codes = trapCodesFor(message);
    if (codes === undefined) throw new Fail(`no trap-code mapping for message "${message}" (got trap ${kind})`);
    if (!codes.includes(kind)) throw new Fail(`expected trap "${message}" (${codes.join(' | ')}), got trap ${kind}: ${describeError(err, adapter)}`);
  };

  const exec = (cmd: Command): void => {
    switch (cmd.kind) {
      case 'module': {
        // Until it succeeds, later actions on this module see why it is missing.
        const setState = (st: InstanceState) => {
          current = st;
          if (cmd.module.id !== undefined) named.set(cmd.module.id, st);
        };
        try {
          const mod = compile(cmd.module);
          let inst;
          try {
            inst = adapter.instantiate(mod, imports());
          } catch (e) {
            throw new Fail(`instantiate failed: ${describeError(e, adapter)}`);
          }
          setState({ exports: inst.exports });
        } catch (e) {
          if (e instanceof Skip) setState({ skipped: e.message });
          else if (e instanceof Fail) setState({ failed: `line ${cmd.line}: ${e.message}` });
          else setState({ failed: `line ${cmd.line}: ${String(e)}` });
          throw e;
        }
        return;
      }
      case 'register': {
        const inst = instanceFor(cmd.module);
        registry[cmd.name] = inst.exports;
        return;
      }
      case 'action': {
        const args = parseArgs(cmd.action);
        try {
          perform(cmd.action, args);
        } catch (e) {
          if (e instanceof Skip || e instanceof Fail) throw e;
          throw new Fail(`threw ${describeError(e, adapter)}`);
        }
        return;
      }
      case 'assert_return': {
        const args = parseArgs(cmd.action);
        let expected: Expected[];
        try {
          expected = cmd.expected.map((n) => parseExpected(n, hostRefs));
        } catch (e) {
          if (e instanceof UnsupportedError) throw new Skip(SKIP.simd);
          throw new Fail(`bad expected value: ${(e as Error).message}`);
        }
        let actual: Value[];
        try {
          actual = perform(cmd.action, args, expected);
        } catch (e) {
          if (e instanceof Skip || e instanceof Fail) throw e;
          throw new Fail(`threw ${describeError(e, adapter)}`);
        }
        const ok = actual.length === expected.length && expected.every((x, i) => matches(x, actual[i]));
        if (ok) return;
        if (adapter.quietsSignallingNaNs && isQuietedSNaNMismatch(args, expected, actual)) throw new Skip(SKIP.quietedNaN);
        throw new Fail(
          `expected [${expected.map((x) => formatExpected(x, hostRefs)).join(', ')}], got [${actual.map((v) => formatValue(v, hostRefs)).join(', ')}]`,
        );
      }
      case 'assert_trap':
      case 'assert_exhaustion': {
        const args = parseArgs(cmd.action);
        expectTrap(() => perform(cmd.action, args), cmd.message, 'the call');
        return;
      }
      case 'assert_trap_module':
      case 'assert_uninstantiable': {
        const mod = compile(cmd.module);
        expectTrap(() => adapter.instantiate(mod, imports()), cmd.message, 'instantiation');
        return;
      }
      case 'assert_malformed':
      case 'assert_invalid': {
        // Malformed *text* exercises a text parser; only binary ones reach the engine.
        if (cmd.kind === 'assert_malformed' && cmd.module.source.kind !== 'binary') {
          expectMalformedText(cmd.module, cmd.message);
          return;
        }
        const bytes = moduleBytes(cmd.module);
        try {
          adapter.compile(bytes);
        } catch (e) {
          if (adapter.isCompileError(e)) return;
          throw new Fail(`expected compile error "${cmd.message}", got ${describeError(e, adapter)}`);
        }
        throw new Fail(`expected compile error "${cmd.message}", but the module compiled`);
      }
      case 'assert_unlinkable': {
        const mod = compile(cmd.module);
        try {
          adapter.instantiate(mod, imports());
        } catch (e) {
          if (adapter.isLinkError(e)) return;
          throw new Fail(`expected link error "${cmd.message}", got ${describeError(e, adapter)}`);
        }
        throw new Fail(`expected link error "${cmd.message}", but instantiation succeeded`);
      }
      case 'unsupported':
        throw new Skip(cmd.reason);
      case 'bad':
        throw new Fail(`cannot parse command: ${cmd.reason}`);
    }
  };

  if (spectestError !== undefined && opts.resumeAfter === undefined && opts.line === undefined) {
    const o: Outcome = { line: 0, command: 'spectest', status: 'failed', reason: spectestError };
    outcomes.push(o);
    const pending = opts.onOutcome?.(o);
    if (pending) await pending;
  }

  for (const cmd of commands) {
    if (opts.line !== undefined && cmd.line > opts.line) break;
    if (opts.resumeAfter !== undefined && cmd.line === opts.resumeAfter) continue;
    const report = (opts.line === undefined || cmd.line === opts.line) && (opts.resumeAfter === undefined || cmd.line > opts.resumeAfter);
    opts.onCommandStart?.(cmd.line);
    let outcome: Outcome;
    try {
      exec(cmd);
      outcome = { line: cmd.line, command: cmd.kind, status: 'passed' };
    } catch (e) {
      if (e instanceof Skip) outcome = { line: cmd.line, command: cmd.kind, status: 'skipped', reason: e.message };
      else {
        const reason = e instanceof Fail ? e.message : `runner error: ${describeError(e, adapter)}`;
        const text = cmd.text.length > MAX_TEXT ? cmd.text.slice(0, MAX_TEXT) + ' ...' : cmd.text;
        outcome = { line: cmd.line, command: cmd.kind, status: 'failed', reason, text };
      }
    }
    if (!report) continue;
    outcomes.push(outcome);
    const pending = opts.onOutcome?.(outcome);
    if (pending) await pending;
  }
  return outcomes;
}

/** Canonical skip reason for grouping (drops per-case detail after a colon). */
export function skipCategory(reason: string | undefined): string {
  if (!reason) return 'unspecified';
  if (reason.startsWith(SKIP.wabt)) return SKIP.wabt;
  if (reason.startsWith('module unavailable')) return 'module unavailable (skipped earlier)';
  return reason;
}
