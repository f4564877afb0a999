// `explore --html`: the same listing as the text output, as a page with the wasm operators
// on the left and their machine code on the right.
import type { CodeLine, FuncListing, OpBlock } from './explore-model.js';

const STYLE = `
body { font: 13px/1.35 ui-monospace, Menlo, Consolas, monospace; margin: 1.5em; color: #222; }
h2 { font-size: 14px; margin: 2em 0 .3em; } .meta { color: #666; margin-bottom: .5em; }
table { border-collapse: collapse; width: 100%; }
td { vertical-align: top; padding: 2px 8px; border-top: 1px solid #eee; white-space: pre; }
td.wasm { width: 32%; color: #0b4f9c; } td.off { width: 5em; color: #999; }
tr.empty td.wasm { color: #7a9cc6; } tr.ool td { background: #fff7f0; } tr.pro td { background: #f4f4f4; }
.addr { color: #999; } .hex { color: #aaa; } .cmt { color: #2a7a2a; }`;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function codeCell(lines: CodeLine[]): string {
  return lines.map((l) => {
    if ('comment' in l) return `<span class="cmt">; ${esc(l.comment)}</span>`;
    const { offset, hex, text } = l.insn;
    const addr = `<span class="addr">${offset.toString(16).padStart(6, '0')}</span>`;
    return text === undefined ? `${addr}  ${hex}` : `${addr}  ${esc(text)}  <span class="hex">${hex}</span>`;
  }).join('\n');
}

function row(b: OpBlock, cls: string): string {
  const off = b.ops.map((op) => (op.offset >= 0 ? `0x${op.offset.toString(16)}` : '')).join('\n');
  const text = b.ops.map((op) => esc(op.text)).join('\n');
  const empty = b.lines.length === 0 ? ' empty' : '';
  return `<tr class="${cls}${empty}"><td class="off">${off}</td><td class="wasm">${text}</td><td>${codeCell(b.lines)}</td></tr>`;
}

export function renderHtml(title: string, listings: FuncListing[], disasmNote: string): string {
  const sections = listings.map((f) => {
    const name = f.name !== undefined ? ` &lt;${esc(f.name)}&gt;` : '';
    const rows = [row(f.prologue, 'pro'), ...f.ops.map((b) => row(b, '')), ...f.outOfLine.map((b) => row(b, 'ool'))];
    return `<h2 id="func${f.index}">func[${f.index}]${name} ${esc(f.signature)}</h2>
<div class="meta">${f.wasmBytes} wasm bytes → ${f.codeEnd - f.codeStart} bytes of x86-64 at 0x${f.codeStart.toString(16)}</div>
<table>${rows.join('\n')}</table>`;
  });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>wasmjit explore: ${esc(title)}</title><style>${STYLE}</style></head>
<body><h1>${esc(title)}</h1><p class="meta">${esc(disasmNote)}. Shaded rows at the end of a function are out-of-line code (trap stubs).</p>
${sections.join('\n')}
</body></html>
`;
}
