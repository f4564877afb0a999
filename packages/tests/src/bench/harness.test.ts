// The benchmarking harness's pure parts (packages/bench): statistics, row judgement, table
// and SVG formatting, hash-wasm extraction and the drivers' protocol. Nothing here times
// anything; `pnpm bench` itself is not run by the test suite.
import { expect } from 'chai';
import { CompileError, type WasmModule } from '@wasmjit/codegen';
import {
  median, summarize, geomean, ratio, markdownTable, fmtMs, fmtSummary, fmtRatio, shorten, execTable, geomeanLines,
  compileTable, cacheTable, validateTable, callsTable, checksTable, ratioChart, axisRange, escapeXml, judgeRow, geomeans, isFailure,
  extractEmbeddedWasm, inputBytes, toHex, hashDriver, kernelDriver, summarizeCompiles, errorLine, markdownReport,
  chartRows, compilePartially, PROGRAMS, type EngineRun, type ExecRow, type BenchResults, type RowInput,
} from '@wasmjit/bench';

const run = (output: string | null, ms: number[] = [10, 12, 11]): EngineRun => ({ output, time: ms.length ? summarize(ms) : null });
const fail = (kind: 'unsupported' | 'failed', message: string): EngineRun => ({ output: null, time: null, failure: { kind, message } });
const input = (wasmjit: EngineRun, liftoff = run('42', [20]), turbofan = run('42', [5])): RowInput => ({
  name: 'p', origin: 'C', what: 'test', arg: 1, runs: { wasmjit, liftoff, turbofan },
});

describe('bench: statistics', () => {
  it('median of odd and even counts, unsorted input left untouched', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).to.equal(3);
    expect(xs).to.deep.equal([5, 1, 3]);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(median([7])).to.equal(7);
    expect(() => median([])).to.throw(RangeError);
  });

  it('summarize gives median, min, max and count', () => {
    expect(summarize([3, 9, 1, 4, 7])).to.deep.equal({ median: 4, min: 1, max: 9, n: 5 });
    expect(() => summarize([])).to.throw(RangeError);
    expect(() => summarize([1, NaN])).to.throw(RangeError);
  });

  it('geomean: reciprocal ratios cancel; empty is null; non-positive is an error', () => {
    expect(geomean([2, 0.5])).to.be.closeTo(1, 1e-12);
    expect(geomean([1, 2, 4])).to.be.closeTo(2, 1e-12);
    expect(geomean([3])).to.be.closeTo(3, 1e-12);
    expect(geomean([])).to.equal(null);
    expect(() => geomean([1, 0])).to.throw(RangeError);
    expect(() => geomean([1, -2])).to.throw(RangeError);
  });

  it('ratio is null when a side is missing', () => {
    expect(ratio(6, 3)).to.equal(2);
    expect(ratio(null, 3)).to.equal(null);
    expect(ratio(3, undefined)).to.equal(null);
    expect(ratio(3, 0)).to.equal(null);
  });
});

describe('bench: rows', () => {
  it('ok row: ratios of medians', () => {
    const row = judgeRow(input(run('42', [10, 30, 20])));
    expect(row.status).to.equal('ok');
    expect(row.ratios.liftoff).to.equal(1);
    expect(row.ratios.turbofan).to.equal(4);
    expect(isFailure(row)).to.equal(false);
  });

  it('unsupported: says why, is not a failure, has no ratios', () => {
    const row = judgeRow(input(fail('unsupported', 'CompileError: unsupported opcode 0xfd')));
    expect(row.status).to.equal('unsupported');
    expect(row.note).to.equal('unsupported: CompileError: unsupported opcode 0xfd');
    expect(row.ratios).to.deep.equal({ liftoff: null, turbofan: null });
    expect(isFailure(row)).to.equal(false);
  });

  it('a trap or crash in wasmjit is a failure', () => {
    const row = judgeRow(input(fail('failed', 'RuntimeError: wasm trap: unreachable')));
    expect(row.status).to.equal('failed');
    expect(isFailure(row)).to.equal(true);
  });

  it('an output differing from V8 is a mismatch and its time does not count', () => {
    const row = judgeRow(input(run('41')));
    expect(row.status).to.equal('mismatch');
    expect(row.note).to.contain('wasmjit 41').and.contain('V8 42');
    expect(row.runs.wasmjit.time).to.equal(null);
    expect(row.ratios.liftoff).to.equal(null);
    expect(isFailure(row)).to.equal(true);
  });

  it('Liftoff and TurboFan must agree, and must run', () => {
    expect(judgeRow(input(run('42'), run('42'), run('43'))).status).to.equal('mismatch');
    const row = judgeRow(input(run('42'), fail('failed', 'boom')));
    expect(row.status).to.equal('failed');
    expect(row.note).to.contain('V8 Liftoff failed: boom');
  });

  it('geomeans cover only rows with both ratios', () => {
    const rows = [judgeRow(input(run('42', [20]))), judgeRow(input(run('42', [80]))), judgeRow(input(fail('unsupported', 'x')))];
    const g = geomeans(rows);
    expect(g.count).to.equal(2);
    expect(g.total).to.equal(3);
    expect(g.liftoff).to.be.closeTo(2, 1e-12); // ratios 1 and 4
    expect(g.turbofan).to.be.closeTo(8, 1e-12); // ratios 4 and 16
    expect(geomeans([]).liftoff).to.equal(null);
  });
});

describe('bench: tables', () => {
  it('markdownTable pads columns, right-aligns, escapes pipes', () => {
    const t = markdownTable(['a', 'num'], [['x|y', '1'], ['long name', '123']], ['left', 'right']);
    const lines = t.split('\n');
    expect(lines).to.have.length(4);
    expect(lines[0]).to.equal('| a         | num |');
    expect(lines[1]).to.equal('| --------- | --: |');
    expect(lines[2]).to.equal('| x\\|y      |   1 |');
    expect(new Set(lines.map((l) => l.length)).size).to.equal(1);
  });

  it('markdownTable rejects ragged rows as a bug', () => {
    expect(() => markdownTable(['a', 'b'], [['1']])).to.throw(/^BUG/);
  });

  it('number formats', () => {
    expect(fmtMs(1234.5)).to.equal('1235');
    expect(fmtMs(12.345)).to.equal('12.3');
    expect(fmtMs(1.2345)).to.equal('1.23');
    expect(fmtSummary({ median: 12.34, min: 9.5, max: 150, n: 5 })).to.equal('12.3 (9.50–150)');
    expect(fmtRatio(null)).to.equal('–');
    expect(fmtRatio(1.005)).to.match(/^1\.0[01]$/);
    expect(shorten('a   b\nc')).to.equal('a b c');
    expect(shorten('x'.repeat(100), 10)).to.have.length(10);
  });

  it('execTable: one row per program, the note in place of a missing time', () => {
    const rows = [judgeRow({ ...input(run('42', [30])), name: 'fast' }), judgeRow({ ...input(fail('unsupported', 'CompileError: no simd')), name: 'simd' })];
    const t = execTable(rows).split('\n');
    expect(t[0]).to.match(/^\| program +\| +wasmjit ms \| +Liftoff ms \| +TurboFan ms \| wasmjit\/Liftoff \| wasmjit\/TurboFan \|$/);
    expect(t[2]).to.contain('fast').and.contain('30.0 (30.0–30.0)').and.contain('1.50').and.contain('6.00');
    expect(t[3]).to.contain('unsupported: CompileError: no simd');
  });

  it('geomean lines have the exact prefix the issue asks for', () => {
    const [a, b] = geomeanLines({ liftoff: 1.234, turbofan: 2.5, count: 3, total: 4 });
    expect(a).to.match(/^geomean wasmjit\/liftoff: 1\.23\b/);
    expect(b).to.match(/^geomean wasmjit\/turbofan: 2\.50\b/);
    expect(a).to.contain('3 of 4');
    expect(geomeanLines({ liftoff: null, turbofan: null, count: 0, total: 2 })[0]).to.match(/^geomean wasmjit\/liftoff: n\/a/);
  });

  it('compile, calls and checks tables', () => {
    const none = { ms: null, mbPerSec: null, peakRssMb: null, note: 'skipped' };
    const c = compileTable([{
      name: 'big.wasm', origin: 'pkg 1.0', bytes: 14e6, funcs: 100,
      runs: { wasmjit: { ms: 2000, mbPerSec: 6.5, peakRssMb: 300, funcsCompiled: 90, funcsTotal: 100, warmMs: 1500 }, liftoff: { ms: 500, mbPerSec: 28, peakRssMb: 150 }, turbofan: none },
    }]);
    expect(c).to.contain('90/100 compiled').and.contain('2000 (warm 1500)').and.contain('300 / 150 / –').and.contain('skipped');
    const k = callsTable([{ name: 'JS→wasm', ns: { wasmjit: 20, liftoff: 10, turbofan: 5 } }]);
    expect(k).to.contain('20.0').and.contain('2.00').and.contain('4.00');
    const s = checksTable([
      { name: 'stack', status: 'measured', programs: [{ name: 'q', onMs: 11, offMs: 10, ratio: 1.1 }], geomean: 1.1 },
      { name: 'bounds', status: 'not available yet (x)', programs: [], geomean: null },
    ]);
    expect(s).to.contain('1.10').and.contain('not available yet (x)');
  });

  it('code cache table: warm / V8 and cold / warm ratios, dashes for what is missing', () => {
    const t = cacheTable([
      { name: 'a.wasm', origin: 'pkg 1.0', v8Ms: 200, coldMs: 5000, warmMs: 50 },
      { name: 'b.wasm', origin: 'pkg 1.0', v8Ms: 20, coldMs: null, warmMs: null, note: 'failed' },
    ]).split('\n');
    expect(t[0]).to.contain('warm / V8').and.contain('cold / warm');
    expect(t[2]).to.contain('0.25').and.contain('100');
    expect(t[3]).to.match(/b\.wasm.*–.*–/);
  });

  it('decode + validate table: CPU ms and both ratios against V8', () => {
    const t = validateTable([
      { name: 'a.wasm', origin: 'pkg 1.0', v8Ms: 100, coldMs: 300, warmMs: 80 },
      { name: 'b.wasm', origin: 'pkg 1.0', v8Ms: null, coldMs: 20, warmMs: 10, note: 'v8: failed' },
    ]).split('\n');
    expect(t[0]).to.contain('cold / V8').and.contain('warm / V8');
    expect(t[2]).to.contain('3.00').and.contain('0.80');
    expect(t[3]).to.match(/b\.wasm \|\s+– \|/);
  });
});

describe('bench: SVG chart', () => {
  const rows = [
    { name: 'a<b', liftoff: 0.5, turbofan: 2 },
    { name: 'gone', liftoff: null, turbofan: null, note: 'unsupported' },
    { name: 'slow', liftoff: 40, turbofan: null },
  ];

  it('axis covers every ratio in powers of two, at least 1/4 … 4', () => {
    expect(axisRange([])).to.deep.equal({ lo: -2, hi: 2 });
    expect(axisRange([0.1, 3])).to.deep.equal({ lo: -4, hi: 2 });
    expect(axisRange([40])).to.deep.equal({ lo: -2, hi: 6 });
  });

  it('is one well-formed svg with a bar per ratio and notes for missing rows', () => {
    const svg = ratioChart(rows, { footer: [{ name: 'geomean', liftoff: 1, turbofan: 1.5 }] });
    expect(svg.startsWith('<svg ')).to.equal(true);
    expect(svg.trim().endsWith('</svg>')).to.equal(true);
    expect(svg).to.contain('a&lt;b').and.not.contain('a<b');
    expect(svg).to.contain('unsupported');
    // Bars carry a <title>; 0.5, 2, 40 and the two geomean ratios.
    expect(svg.match(/<rect [^>]*><title>/g)).to.have.length(5);
    expect(svg).to.contain('64×'); // 40 needs the axis to reach 2^6
    // Every opened tag is closed or self-closing.
    const opened = (svg.match(/<(rect|text|line|title|svg)\b(?:[^>]*[^/])?>/g) ?? []).length;
    const closed = (svg.match(/<\/(rect|text|line|title|svg)>/g) ?? []).length;
    expect(opened).to.equal(closed);
  });

  it('escapes XML', () => {
    expect(escapeXml('<&>"')).to.equal('&lt;&amp;&gt;&quot;');
  });
});

describe('bench: programs and drivers', () => {
  it('at least 12 C kernels and some npm-shipped modules, unique names', () => {
    expect(PROGRAMS.filter((p) => p.origin === 'C').length).to.be.at.least(12);
    expect(PROGRAMS.filter((p) => p.origin !== 'C').length).to.be.at.least(1);
    expect(new Set(PROGRAMS.map((p) => p.name)).size).to.equal(PROGRAMS.length);
    for (const p of PROGRAMS) expect(p.args.quick).to.be.at.most(p.args.full);
  });

  it('every program loads as a module with no imports and the exports its driver calls', () => {
    for (const p of PROGRAMS) {
      const m = new WebAssembly.Module(p.bytes() as Uint8Array<ArrayBuffer>);
      expect(WebAssembly.Module.imports(m), p.name).to.deep.equal([]);
      const names = WebAssembly.Module.exports(m).map((e) => e.name);
      expect(names, p.name).to.include(p.origin === 'C' ? 'run' : 'Hash_Update');
    }
  });

  it('extractEmbeddedWasm finds base64 modules in a bundle and skips non-wasm', () => {
    const wasm = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]).toString('base64');
    const junk = Buffer.from('hello').toString('base64');
    const found = extractEmbeddedWasm(`var a={name:"sha1",data:"${wasm}",hash:"x"},b={name:"bad",data:"${junk}"}`);
    expect([...found.keys()]).to.deep.equal(['sha1']);
    expect([...found.get('sha1')!]).to.deep.equal([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  });

  it('inputBytes is deterministic; toHex pads', () => {
    expect([...inputBytes(16)]).to.deep.equal([...inputBytes(16)]);
    expect(new Set(inputBytes(4096)).size).to.be.greaterThan(200);
    expect(toHex(new Uint8Array([0, 15, 255]))).to.equal('000fff');
  });

  it('kernelDriver calls run(arg) and stringifies', () => {
    const run = kernelDriver({ run: (n: number) => n * 1.5 }, 3);
    expect(run()).to.equal('4.5');
    expect(() => kernelDriver({}, 1)).to.throw(/run/);
  });

  it('hashDriver follows hash-wasm\'s protocol: seed, init(param), 16 KiB updates, final(param)', () => {
    const memory = { buffer: new ArrayBuffer(65536) };
    const calls: string[] = [];
    let total = 0;
    const exports = {
      memory,
      Hash_GetBuffer: () => 1024,
      Hash_Init: (...a: number[]) => { calls.push(`init(${a.join()})`); total = 0; },
      Hash_Update: (n: number) => { calls.push(`update(${n})`); total += n; },
      Hash_Final: (...a: number[]) => {
        calls.push(`final(${a.join()})`);
        new Uint8Array(memory.buffer).set([total & 0xff, total >> 8, total >> 16], 1024);
      },
    };
    const digest = hashDriver({ init: 256, final: 6, digestBytes: 3, seedBytes: 8 })(exports, 40_000)();
    expect(calls).to.deep.equal(['init(256)', 'update(16384)', 'update(16384)', 'update(7232)', 'final(6)']);
    expect(digest).to.equal(toHex(new Uint8Array([40_000 & 0xff, (40_000 >> 8) & 0xff, 0])));
    calls.length = 0;
    hashDriver({ digestBytes: 4 })(exports, 10)();
    expect(calls).to.deep.equal(['init()', 'update(10)', 'final()']);
  });
});

describe('bench: compile rows, worker errors, report', () => {
  it('summarizeCompiles: median time, MB/s over the bytes compiled, max RSS', () => {
    const r = (ms: number, rss: number) => ({ bytes: 4e6, funcs: 10, ms, bytesCompiled: 2e6, funcsCompiled: 5, warmMs: ms / 2, peakRssMb: rss });
    const c = summarizeCompiles([r(1000, 100), r(3000, 300), r(2000, 200)], []);
    expect(c.ms).to.equal(2000);
    expect(c.mbPerSec).to.equal(1);
    expect(c.peakRssMb).to.equal(300);
    expect(c.warmMs).to.equal(1000);
    expect(c.funcsCompiled).to.equal(5);
    expect(summarizeCompiles([], ['timed out']).note).to.equal('timed out');
  });

  it('compilePartially: everything compiles → all functions counted', () => {
    const calls = PROGRAMS.find((p) => p.name === 'quicksort')!.bytes();
    const p = compilePartially(calls);
    expect(p.funcsCompiled).to.equal(p.funcsTotal);
    expect(p.bytesCompiled).to.equal(calls.length);
    expect(p.reasons).to.deep.equal([]);
  });

  it('compilePartially restarts after each failing function and compiles every body once', () => {
    const bytes = PROGRAMS.find((p) => p.name === 'nqueens')!.bytes();
    const bad = new Set<number>();
    const seen: number[] = [];
    // A stand-in compiler that "compiles" functions in order and fails on the chosen ones.
    const fake = (m: WasmModule) => {
      for (let f = m.numImportedFuncs; f < m.numImportedFuncs + m.codes.length; f++) {
        seen.push(f);
        if (bad.has(f)) throw new CompileError(`unsupported opcode 0xfd in function ${f}`, 0, f);
      }
    };
    const total = compilePartially(bytes, 60_000, fake).funcsTotal;
    expect(total).to.be.at.least(2);
    bad.add(0).add(total - 1);
    seen.length = 0;
    const p = compilePartially(bytes, 60_000, fake);
    expect(p.funcsCompiled).to.equal(total - 2);
    expect(p.reasons).to.deep.equal(['unsupported opcode 0xfd (2)']);
    expect(p.bytesCompiled).to.be.lessThan(bytes.length);
    expect(seen).to.deep.equal([...Array(total).keys()]);
  });

  it('errorLine picks the error out of node\'s crash output', () => {
    const stderr = 'file:///x.js:3\n  throw e;\n  ^\n\nRuntimeError: wasm trap: unreachable\n    at f (x.js:3)\n\nNode.js v20.20.2\n';
    expect(errorLine(stderr)).to.equal('RuntimeError: wasm trap: unreachable');
    expect(errorLine('a\nb\nc\n')).to.equal('b / c');
  });

  it('markdownReport and chart rows from a results object', () => {
    const rows: ExecRow[] = [judgeRow(input(run('42', [30]))), judgeRow({ ...input(fail('unsupported', 'CompileError: z')), name: 'q' })];
    const r: BenchResults = {
      schema: 1, date: '2026-01-01T00:00:00.000Z', mode: 'quick',
      machine: { node: 'v20', v8: '11', cpu: 'cpu', cores: 2, platform: 'linux x64', load: [0.5, 1.5] },
      flags: { liftoff: ['--liftoff-only'], compile: ['--single-threaded'] },
      exec: { rows, geomean: geomeans(rows) }, compile: [], calls: [], checks: [], failures: [], durationSec: 1,
    };
    const md = markdownReport(r);
    expect(md).to.contain('load average 0.5 → 1.5').and.contain('## Execution').and.contain('geomean wasmjit/liftoff: 1.50').and.contain('latest.svg');
    expect(md).to.contain('- q: unsupported: CompileError: z').and.contain('every output matched');
    const c = chartRows(r);
    expect(c.rows.map((x) => x.note)).to.deep.equal([undefined, 'unsupported']);
    expect(c.footer[0]!.liftoff).to.be.closeTo(1.5, 1e-12);
  });
});
