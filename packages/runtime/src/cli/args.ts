// Command-line parsing for the subcommands: `--name value`, `--name=value`, repeatable
// options, flags, and (for `run`) everything after the module path left to the program.

export interface OptionSpec {
  name: string;
  /** Placeholder of the value (e.g. 'BYTES'); absent for a flag. */
  value?: string;
  /** May be given several times (values are collected in order). */
  repeat?: boolean;
  /** Allowed values, checked while parsing. */
  choices?: readonly string[];
  help: string;
}

export interface CommandSpec {
  name: string;
  /** After `wasmjit NAME `: e.g. '[options] <module.wasm> [args...]'. */
  usage: string;
  summary: string;
  /** Longer text printed by --help after the options. */
  details?: string;
  options: OptionSpec[];
  /** Option parsing stops at the first positional (the module): the rest are its arguments. */
  stopAtPositional?: boolean;
}

export interface ParsedArgs {
  /** Values by option name (flags have one empty-string value). */
  values: Map<string, string[]>;
  positionals: string[];
}

/** Wrong command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const HELP: OptionSpec = { name: 'help', help: 'print this help' };

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const options = [...spec.options, HELP];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-h') {
      values.set('help', ['']);
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      if (spec.stopAtPositional) {
        i++;
        break;
      }
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const opt = options.find((o) => o.name === name);
    if (!opt) throw new UsageError(`unknown option --${name}`);
    let value = '';
    if (opt.value !== undefined) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i]!;
      else throw new UsageError(`--${name} needs a value (${opt.value})`);
      if (opt.choices && !opt.choices.includes(value)) {
        throw new UsageError(`--${name} must be one of ${opt.choices.join(', ')} (got '${value}')`);
      }
    } else if (eq >= 0) {
      throw new UsageError(`--${name} takes no value`);
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !opt.repeat && name !== 'help') throw new UsageError(`--${name} given twice`);
    list.push(value);
    values.set(name, list);
  }
  // After `--`, or after the module when options stop there, everything is positional.
  positionals.push(...argv.slice(i));
  return { values, positionals };
}

/** The single value of an option, or undefined. */
export function optionValue(p: ParsedArgs, name: string): string | undefined {
  return p.values.get(name)?.[0];
}

export function hasFlag(p: ParsedArgs, name: string): boolean {
  return p.values.has(name);
}

/** A positive integer option (sizes in bytes), with k/m/g suffixes accepted. */
export function byteCount(p: ParsedArgs, name: string): number | undefined {
  const text = optionValue(p, name);
  if (text === undefined) return undefined;
  const m = /^(\d+)([kmg]i?b?)?$/i.exec(text);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2]?.[0] ?? '').toLowerCase()] ?? 1;
  const n = m ? Number(m[1]) * scale : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of bytes (got '${text}')`);
  return n;
}

export function helpText(spec: CommandSpec): string {
  const rows = [...spec.options, HELP].map((o) => {
    const head = `  --${o.name}${o.value ? ` ${o.value}` : ''}`;
    const extra = o.repeat ? ' (repeatable)' : '';
    return [head, `${o.help}${extra}`] as const;
  });
  const width = Math.max(...rows.map(([h]) => h.length)) + 2;
  const lines = [
    `wasmjit ${spec.name}: ${spec.summary}`,
    '',
    `usage: wasmjit ${spec.name} ${spec.usage}`,
    '',
    'options:',
    ...rows.map(([h, t]) => h.padEnd(width) + t),
  ];
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n') + '\n';
}
