// WAST scripts (the spec interpreter's script format): modules in text, binary and quoted form,
// module definitions and instances, register, actions and every assertion, thread/wait.
// Modules are kept unencoded, so that a malformed one only fails the command that uses it.

import { errorAt, TextError } from './errors.js';
import { encodeModuleFields, parseWat, type EncodeOptions } from './module.js';
import { Scanner } from './lexer.js';
import { fastCommand } from './wast-fast.js';
import { Cursor, describe, headOf, isAtom, isList, readNode, readNodes, SList, type SNode } from './sexpr.js';
import { parseWastExpected, parseWastValue, type WastExpected, type WastValue } from './wast-values.js';

export type WastModuleSource =
  /** `(module ...)` fields as read; `text` is the whole form's source. */
  | { kind: 'text'; list: SList; fieldsFrom: number; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  /** `(module quote "...")`: the concatenated strings, parsed only when encoded. */
  | { kind: 'quote'; text: string };

export interface WastModule {
  id?: string;
  /** `(module definition ...)`: compiled, not instantiated. */
  definition: boolean;
  source: WastModuleSource;
}

export type WastAction =
  | { kind: 'invoke'; module?: string; name: string; args: WastValue[] }
  | { kind: 'get'; module?: string; name: string };

interface Where {
  line: number;
  col: number;
  /** Source text of the command. */
  text: string;
}

export type WastCommand = Where &
  (
    | { kind: 'module'; module: WastModule }
    | { kind: 'module_instance'; instance?: string; definition?: string }
    | { kind: 'register'; name: string; module?: string }
    | { kind: 'action'; action: WastAction }
    | { kind: 'assert_return'; action: WastAction; expected: WastExpected[] }
    | { kind: 'assert_trap'; action: WastAction; message: string }
    | { kind: 'assert_trap_module'; module: WastModule; message: string }
    | { kind: 'assert_exhaustion'; action: WastAction; message: string }
    | { kind: 'assert_exception'; action: WastAction }
    | { kind: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'assert_uninstantiable'; module: WastModule; message: string }
    | { kind: 'thread'; name: string; shared: string[]; commands: WastCommand[] }
    | { kind: 'wait'; thread: string }
  );

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function stringValue(c: Cursor, what: string): string {
  return utf8Decoder.decode(c.expectString(what).bytes!);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function parseModule(list: SList, src: string): WastModule {
  const c = new Cursor(list);
  const definition = c.peekAtom('definition');
  if (definition) c.take();
  const id = c.takeId()?.text;
  if (c.peekAtom('binary') || c.peekAtom('quote')) {
    const mode = c.take() as { text: string };
    const parts: Uint8Array[] = [];
    while (!c.done) parts.push(c.expectString('a string').bytes!);
    const bytes = concat(parts);
    const source: WastModuleSource = mode.text === 'binary' ? { kind: 'binary', bytes } : { kind: 'quote', text: utf8Decoder.decode(bytes) };
    return { id, definition, source };
  }
  return { id, definition, source: { kind: 'text', list, fieldsFrom: c.i, text: src.slice(list.start, list.end) } };
}

function parseAction(node: SNode | undefined, at: { line: number; col: number }): WastAction {
  if (!isList(node) || !(isAtom(node.items[0], 'invoke') || isAtom(node.items[0], 'get'))) {
    throw errorAt(node ?? at, `expected an action "(invoke ...)" or "(get ...)", found ${describe(node)}`);
  }
  const c = new Cursor(node);
  const head = headOf(node) as 'invoke' | 'get';
  const module = c.takeId()?.text;
  const name = stringValue(c, 'an export name');
  if (head === 'get') {
    c.expectEnd();
    return { kind: 'get', module, name };
  }
  const args: WastValue[] = [];
  while (!c.done) args.push(parseWastValue(c.take()!));
  return { kind: 'invoke', module, name, args };
}

function parseCommand(node: SNode, src: string): WastCommand {
  if (!isList(node)) throw errorAt(node, `expected a command, found ${describe(node)}`);
  // Commands are built field by field: an object spread of `where` was the slowest line of a
  // script parse (V8 copies a spread through a generic path).
  const where: Where = { line: node.line, col: node.col, text: src.slice(node.start, node.end) };
  const head = headOf(node);
  const c = new Cursor(node);
  switch (head) {
    case 'module': {
      if (c.peekAtom('instance')) {
        c.take();
        const instance = c.takeId()?.text;
        const definition = c.takeId()?.text;
        c.expectEnd();
        return { line: where.line, col: where.col, text: where.text, kind: 'module_instance', instance, definition };
      }
      return { line: where.line, col: where.col, text: where.text, kind: 'module', module: parseModule(node, src) };
    }
    case 'register': {
      const name = stringValue(c, 'a registration name');
      const module = c.takeId()?.text;
      c.expectEnd();
      return { line: where.line, col: where.col, text: where.text, kind: 'register', name, module };
    }
    case 'invoke': case 'get':
      return { line: where.line, col: where.col, text: where.text, kind: 'action', action: parseAction(node, node) };
    case 'assert_return': {
      const action = parseAction(c.take(), c.here());
      const expected: WastExpected[] = [];
      while (!c.done) expected.push(parseWastExpected(c.take()!));
      return { line: where.line, col: where.col, text: where.text, kind: 'assert_return', action, expected };
    }
    case 'assert_trap': {
      if (c.peekList('module')) {
        const module = parseModule(c.take() as SList, src);
        const message = stringValue(c, 'a failure message');
        c.expectEnd();
        return { line: where.line, col: where.col, text: where.text, kind: 'assert_trap_module', module, message };
      }
      const action = parseAction(c.take(), c.here());
      const message = stringValue(c, 'a failure message');
      c.expectEnd();
      return { line: where.line, col: where.col, text: where.text, kind: 'assert_trap', action, message };
    }
    case 'assert_exhaustion': {
      const action = parseAction(c.take(), c.here());
      const message = stringValue(c, 'a failure message');
      c.expectEnd();
      return { line: where.line, col: where.col, text: where.text, kind: 'assert_exhaustion', action, message };
    }
    case 'assert_exception': {
      const action = parseAction(c.take(), c.here());
      c.expectEnd();
      return { line: where.line, col: where.col, text: where.text, kind: 'assert_exception', action };
    }
    case 'assert_invalid': case 'assert_malformed': case 'assert_unlinkable': case 'assert_uninstantiable': {
      const module = parseModule(c.expectList('"(module ...)"', 'module'), src);
      const message = stringValue(c, 'a failure message');
      c.expectEnd();
      return { line: where.line, col: where.col, text: where.text, kind: head, module, message };
    }
    case 'thread': {
      const name = c.takeId();
      if (!name) throw c.error('a thread name');
      const shared: string[] = [];
      // (shared (module $M)*): instances the thread may use
      while (c.peekList('shared')) {
        const sc = new Cursor(c.take() as SList);
        while (!sc.done) {
          const mc = new Cursor(sc.expectList('"(module $name)"', 'module'));
          const id = mc.takeId();
          if (!id) throw mc.error('a module name');
          shared.push(id.text);
          mc.expectEnd();
        }
      }
      const commands: WastCommand[] = [];
      while (!c.done) commands.push(parseCommand(c.take()!, src));
      return { line: where.line, col: where.col, text: where.text, kind: 'thread', name: name.text, shared, commands };
    }
    case 'wait': {
      const thread = c.takeId();
      if (!thread) throw c.error('a thread name');
      c.expectEnd();
      return { line: where.line, col: where.col, text: where.text, kind: 'wait', thread: thread.text };
    }
    default:
      throw errorAt(node, `expected a command, found ${describe(node)}`);
  }
}

const MODULE_FIELDS = new Set(['type', 'rec', 'import', 'func', 'table', 'memory', 'global', 'tag', 'export', 'start', 'elem', 'data']);

/**
 * A whole script. A script that is only module fields is one inline module. `fastPath: false`
 * reads every command the general way (./wast-fast.ts's results are tested against it). Errors in a
 * command's syntax (not in a module's, which stay unencoded) throw a TextError.
 */
export function parseWast(src: string, opts: { fastPath?: boolean } = {}): WastCommand[] {
  const fastPath = opts.fastPath ?? true;
  // Module fields are skipped here (read when the module is encoded): most of a script's
  // modules are encoded once and many never, and a skip checks tokens without keeping them.
  const scanner = new Scanner(src);
  const first = readNode(scanner, true);
  if (first === undefined) return [];
  if (MODULE_FIELDS.has(headOf(first) ?? '')) {
    // Maybe a script that is only module fields: one inline module.
    const nodes = [first, ...readNodes(scanner, true)];
    if (nodes.every((n) => MODULE_FIELDS.has(headOf(n) ?? ''))) {
      const list = new SList(nodes, 0, src.length, scanner.map);
      return [{ line: first.line, col: first.col, text: src, kind: 'module', module: { definition: false, source: { kind: 'text', list, fieldsFrom: 0, text: src } } }];
    }
    return nodes.map((n) => parseCommand(n, src));
  }
  const commands = [parseCommand(first, src)];
  for (;;) {
    const fast = fastPath ? fastCommand(scanner) : undefined;
    if (fast !== undefined) {
      commands.push(fast);
      continue;
    }
    const n = readNode(scanner, true);
    if (n === undefined) break;
    commands.push(parseCommand(n, src));
  }
  return commands;
}

/** Binary bytes of a script module; a TextError when its text is malformed. */
export function encodeWastModule(m: WastModule, opts: EncodeOptions = {}): Uint8Array {
  switch (m.source.kind) {
    case 'binary':
      return m.source.bytes;
    case 'quote':
      return parseWat(m.source.text, opts);
    case 'text': {
      const l = m.source.list;
      if (l.lazyFields < 0) return encodeModuleFields(l, m.source.fieldsFrom, opts);
      const fields = readNodes(new Scanner(l.map.src, l.lazyFields, l.end - 1, l.map));
      return encodeModuleFields(new SList(l.items.concat(fields), l.start, l.end, l.map), m.source.fieldsFrom, opts);
    }
  }
}

export { TextError };
