// .wast script commands on top of the S-expression reader.

import { isAtom, isList, readSExprs, stringText, type SList, type SNode } from './sexpr.js';

export type ModuleSource =
  /** `(module ...)` in the text format: the original source text of the whole form. */
  | { kind: 'text'; text: string }
  /** `(module binary "...")`: the concatenated bytes. */
  | { kind: 'binary'; bytes: Uint8Array }
  /** `(module quote "...")`: the concatenated text. */
  | { kind: 'quote'; text: string };

export interface ModuleDef {
  id?: string;
  source: ModuleSource;
}

export type Action =
  | { kind: 'invoke'; module?: string; name: string; args: SNode[] }
  | { kind: 'get'; module?: string; name: string };

interface Base {
  line: number;
  /** Source text of the command, for messages. */
  text: string;
}
export type Command = Base &
  (
    | { kind: 'module'; module: ModuleDef }
    | { kind: 'register'; name: string; module?: string }
    | { kind: 'action'; action: Action }
    | { kind: 'assert_return'; action: Action; expected: SNode[] }
    | { kind: 'assert_trap'; action: Action; message: string }
    | { kind: 'assert_trap_module'; module: ModuleDef; message: string }
    | { kind: 'assert_exhaustion'; action: Action; message: string }
    | { kind: 'assert_invalid'; module: ModuleDef; message: string }
    | { kind: 'assert_malformed'; module: ModuleDef; message: string }
    | { kind: 'assert_unlinkable'; module: ModuleDef; message: string }
    | { kind: 'assert_uninstantiable'; module: ModuleDef; message: string }
    /** Parsed but not something this runner executes (e.g. `(input ...)`). */
    | { kind: 'unsupported'; reason: string }
    /** A command the parser could not make sense of. */
    | { kind: 'bad'; reason: string }
  );

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function parseModule(node: SList, src: string): ModuleDef {
  let i = 1;
  let id: string | undefined;
  const second = node.items[i];
  if (isAtom(second) && second.text.startsWith('$')) {
    id = second.text;
    i++;
  }
  const mode = node.items[i];
  if (isAtom(mode, 'binary') || isAtom(mode, 'quote')) {
    const parts: Uint8Array[] = [];
    for (const s of node.items.slice(i + 1)) {
      if (s.kind !== 'string') throw new Error(`(module ${mode.text}) expects strings`);
      parts.push(s.bytes);
    }
    const bytes = concatBytes(parts);
    if (mode.text === 'binary') return { id, source: { kind: 'binary', bytes } };
    return { id, source: { kind: 'quote', text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) } };
  }
  return { id, source: { kind: 'text', text: src.slice(node.start, node.end) } };
}

function parseAction(node: SNode): Action {
  if (!isList(node) || !isAtom(node.items[0])) throw new Error('expected an action');
  const head = node.items[0].text;
  if (head !== 'invoke' && head !== 'get') throw new Error(`unknown action ${head}`);
  let i = 1;
  let module: string | undefined;
  const m = node.items[i];
  if (isAtom(m) && m.text.startsWith('$')) {
    module = m.text;
    i++;
  }
  const nameNode = node.items[i++];
  if (!nameNode || nameNode.kind !== 'string') throw new Error(`${head} expects an export name`);
  const name = stringText(nameNode);
  if (head === 'get') return { kind: 'get', module, name };
  return { kind: 'invoke', module, name, args: node.items.slice(i) };
}

function messageOf(node: SNode | undefined): string {
  if (!node || node.kind !== 'string') throw new Error('expected a failure message');
  return stringText(node);
}

function parseCommand(node: SNode, src: string): Command {
  const base = { line: node.line, text: src.slice(node.start, node.end) };
  if (!isList(node) || !isAtom(node.items[0])) return { ...base, kind: 'bad', reason: 'expected a command' };
  const head = node.items[0].text;
  const it = node.items;
  switch (head) {
    case 'module':
      return { ...base, kind: 'module', module: parseModule(node, src) };
    case 'register': {
      const name = it[1];
      if (!name || name.kind !== 'string') throw new Error('register expects a name');
      const m = it[2];
      return { ...base, kind: 'register', name: stringText(name), module: isAtom(m) ? m.text : undefined };
    }
    case 'invoke':
    case 'get':
      return { ...base, kind: 'action', action: parseAction(node) };
    case 'assert_return':
      return { ...base, kind: 'assert_return', action: parseAction(it[1]), expected: it.slice(2) };
    case 'assert_trap':
      if (isList(it[1], 'module')) return { ...base, kind: 'assert_trap_module', module: parseModule(it[1], src), message: messageOf(it[2]) };
      return { ...base, kind: 'assert_trap', action: parseAction(it[1]), message: messageOf(it[2]) };
    case 'assert_exhaustion':
      return { ...base, kind: 'assert_exhaustion', action: parseAction(it[1]), message: messageOf(it[2]) };
    case 'assert_invalid':
    case 'assert_malformed':
    case 'assert_unlinkable':
    case 'assert_uninstantiable': {
      if (!isList(it[1], 'module')) throw new Error(`${head} expects a module`);
      return { ...base, kind: head, module: parseModule(it[1], src), message: messageOf(it[2]) };
    }
    case 'script':
    case 'input':
    case 'output':
      return { ...base, kind: 'unsupported', reason: `meta command (${head}) not supported` };
    default:
      return { ...base, kind: 'bad', reason: `unknown command ${head}` };
  }
}

const MODULE_FIELDS = new Set(['type', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem', 'data']);

/** Parse a whole script. Per-command problems become `bad` commands, not exceptions. */
export function parseWast(src: string): Command[] {
  const nodes = readSExprs(src);
  // A script that is just module fields is one inline module (inline-module.wast);
  // the reference interpreter accepts that form too.
  if (nodes.length > 0 && nodes.every((n) => isList(n) && isAtom(n.items[0]) && MODULE_FIELDS.has(n.items[0].text))) {
    const text = `(module\n${src}\n)`;
    return [{ line: nodes[0].line, text: src, kind: 'module', module: { source: { kind: 'text', text } } }];
  }
  return nodes.map((node) => {
    try {
      return parseCommand(node, src);
    } catch (e) {
      return { line: node.line, text: src.slice(node.start, node.end), kind: 'bad', reason: (e as Error).message };
    }
  });
}
