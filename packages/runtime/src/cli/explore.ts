// `wasmjit explore`: each function's wasm operators, each followed by the x86-64 code
// generated for it (objdump disassembly when installed, else hex), as text or HTML.
import { writeFileSync } from 'node:fs';
import { UsageError, hasFlag, helpText, optionValue, parseArgs, type CommandSpec } from './args.js';
import { objdumpAvailable } from './disasm.js';
import { buildListings, compileForListing, renderListingText } from './listing.js';
import { renderHtml } from './explore-html.js';
import { readModule } from './load.js';
import { reportFailure } from './failure.js';
import { Exit, out } from './io.js';

export const EXPLORE: CommandSpec = {
  name: 'explore',
  usage: '[options] <module.wasm>',
  summary: 'show the x86-64 code generated for each wasm operator',
  options: [
    { name: 'func', value: 'NAME|INDEX', help: 'only this function (name-section or export name, or function index)' },
    { name: 'html', value: 'FILE', help: 'also write the listing as a side-by-side HTML page' },
    { name: 'hex', help: 'show machine code as hex bytes even when objdump is installed' },
    { name: 'bounds-checks', value: 'MODE', choices: ['explicit', 'guard'], help: 'linear-memory bounds checks: explicit | guard (default guard, as the Engine)' },
    { name: 'epochs', help: 'compile with epoch-deadline checks (Engine epochInterruption)' },
    { name: 'fuel', help: 'compile with fuel metering (Engine consumeFuel)' },
  ],
  details: [
    'Addresses are offsets in the module\'s code blob. Operators that only push a lazy value',
    '(a constant, a local) have no code of their own: it appears at the operator that uses it.',
    '',
    'examples:',
    '  wasmjit explore fib.wasm --func fib',
    '  wasmjit explore prog.wasm --html prog.html',
  ].join('\n'),
};

export function exploreCommand(argv: readonly string[]): number {
  try {
    const p = parseArgs(EXPLORE, argv);
    if (hasFlag(p, 'help')) {
      out(helpText(EXPLORE));
      return Exit.Ok;
    }
    const [file, ...extra] = p.positionals;
    if (file === undefined) throw new UsageError('missing <module.wasm>');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    // Unset options are the Engine's defaults (guard-page bounds checks), as in `run`.
    const compiled = compileForListing(readModule(file), {
      boundsChecks: optionValue(p, 'bounds-checks') as 'explicit' | 'guard' | undefined,
      epochInterruption: hasFlag(p, 'epochs'),
      consumeFuel: hasFlag(p, 'fuel'),
    });
    const which = optionValue(p, 'func');
    const mode = !hasFlag(p, 'hex') && objdumpAvailable() ? 'objdump' : 'hex';
    const listings = buildListings(compiled, mode, which);
    if (which !== undefined && listings.length === 0) throw new UsageError(`no defined function '${which}' in ${file}`);
    const note = mode === 'objdump' ? 'x86-64 disassembly by objdump (Intel syntax)' : 'x86-64 code as hex bytes (objdump not found, or --hex)';
    out(`;; ${file}: ${note}\n\n`);
    for (const l of listings) out(renderListingText(l));
    const html = optionValue(p, 'html');
    if (html !== undefined) {
      writeFileSync(html, renderHtml(file, listings, note));
      out(`;; wrote ${html}\n`);
    }
    return Exit.Ok;
  } catch (e) {
    return reportFailure(e, 'explore');
  }
}
