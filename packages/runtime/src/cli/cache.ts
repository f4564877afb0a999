// `wasmjit cache`: what the persistent code cache (EngineOptions.cache, docs/cache.md) holds,
// and `wasmjit cache clear` to empty it.
import { defaultCacheDir } from '../cache/cache-dir.js';
import { clearEntries, listEntries } from '../cache/code-cache.js';
import { UsageError, hasFlag, helpText, optionValue, parseArgs, type CommandSpec } from './args.js';
import { reportFailure } from './failure.js';
import { Exit, out } from './io.js';

export const CACHE: CommandSpec = {
  name: 'cache',
  usage: '[show | clear] [--dir DIR]',
  summary: 'show the code cache (directory, entries, size) or clear it',
  options: [
    { name: 'dir', value: 'DIR', help: 'the cache directory (default: $XDG_CACHE_HOME/wasmjit, else ~/.cache/wasmjit)' },
    { name: 'list', help: 'with show: one line per entry (key, bytes, last access), oldest access first' },
  ],
  details: [
    'Engines created with { cache: true } use the default directory; { cache: DIR } that one.',
    '',
    'examples:',
    '  wasmjit cache',
    '  wasmjit cache clear --dir /tmp/my-cache',
  ].join('\n'),
};

const num = (n: number) => n.toLocaleString('en-US');
const mib = (n: number) => `${(n / (1 << 20)).toFixed(1)} MiB`;

export function cacheCommand(argv: readonly string[]): number {
  try {
    const p = parseArgs(CACHE, argv);
    if (hasFlag(p, 'help')) {
      out(helpText(CACHE));
      return Exit.Ok;
    }
    const [action = 'show', ...extra] = p.positionals;
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const dir = optionValue(p, 'dir') ?? defaultCacheDir();
    if (action === 'clear') {
      const { entries, bytes } = clearEntries(dir);
      out(`${dir}: removed ${num(entries)} entries, ${num(bytes)} bytes (${mib(bytes)})\n`);
      return Exit.Ok;
    }
    if (action !== 'show') throw new UsageError(`unknown action '${action}' (show or clear)`);
    const entries = listEntries(dir);
    const total = entries.reduce((n, e) => n + e.size, 0);
    let text = `directory: ${dir}\nentries:   ${num(entries.length)}\nsize:      ${num(total)} bytes (${mib(total)})\n`;
    if (hasFlag(p, 'list')) {
      for (const e of entries) text += `${e.key}  ${num(e.size).padStart(14)}  ${new Date(e.accessed).toISOString()}\n`;
    }
    out(text);
    return Exit.Ok;
  } catch (e) {
    return reportFailure(e, 'cache');
  }
}
