// The persistent code cache (Engine({ cache }), runtime cache/code-cache.ts): a second engine
// (or process) loads what the first compiled; corrupt, truncated and foreign entries are
// refused, recompiled and replaced; concurrent writers of one entry all succeed and leave a
// valid entry; the size bound holds with oldest-access eviction; cache failures never fail a
// compile. Every test uses a temporary directory, never the user's cache.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Engine, Instance, Module, type CacheStats } from '@wasmjit/runtime';
import { cacheStoreDone, compiledParts, moduleInfo } from '../../../runtime/dist/module.js';
import { defaultCacheDir } from '../../../runtime/dist/cache/cache-dir.js';
import { setSyncLookupMaxBytes } from '../../../runtime/dist/cache/cached-compile.js';
import { largeModule } from '../util/large-module.js';
import { programs } from './programs.js';
import { entryParts, flipped, tempDir } from './support.js';

type Exports = Record<string, (...a: unknown[]) => unknown>;
const run = (m: Module): Exports => new Instance(m, {}).exports as Exports;

function entryFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.wjcode')) : [];
}

function stats(e: Engine): CacheStats {
  return e.cacheStats!;
}

describe('cache: Engine({ cache }) code cache', () => {
  let p: Awaited<ReturnType<typeof programs>>;
  let t: ReturnType<typeof tempDir>;
  before(async () => {
    p = await programs();
  });
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.remove());

  it('a second engine loads the module the first compiled (hit), and runs it the same', () => {
    const a = new Engine({ cache: t.dir });
    const ma = a.compile(p.table);
    expect(stats(a)).to.include({ hits: 0, misses: 1, writes: 1, rejected: 0, errors: 0 });
    expect(entryFiles(t.dir)).to.have.length(1);
    const b = new Engine({ cache: t.dir });
    const mb = b.compile(p.table);
    expect(stats(b)).to.include({ hits: 1, misses: 0, writes: 0 });
    expect(run(mb).callA!(0, 4)).to.equal(run(ma).callA!(0, 4));
    expect(() => run(mb).callA!(1, 4)).to.throw(/signature mismatch/);
    expect(a.cacheDirectory).to.equal(t.dir);
    expect(new Engine().cacheStats).to.equal(null);
  });

  it('other code options or other bytes are other entries', () => {
    new Engine({ cache: t.dir }).compile(p.table);
    const explicit = new Engine({ cache: t.dir, boundsChecks: 'explicit' });
    explicit.compile(p.table);
    explicit.compile(p.memory);
    expect(stats(explicit)).to.include({ hits: 0, misses: 2, writes: 2 });
    expect(entryFiles(t.dir)).to.have.length(3);
  });

  for (const [what, damage] of [
    ['a flipped byte in the code', (b: Uint8Array) => flipped(b, b.length - 1)],
    ['a flipped byte in the metadata', (b: Uint8Array) => flipped(b, entryParts(b).mainDigest - 1)],
    ['a flipped byte in the main checksum', (b: Uint8Array) => flipped(b, entryParts(b).mainDigest)],
    ['truncation', (b: Uint8Array) => b.subarray(0, b.length - 100)],
    ['a foreign file', () => new TextEncoder().encode('not an entry at all '.repeat(10))],
    ['an empty file', () => new Uint8Array(0)],
  ] as const) {
    it(`an entry damaged by ${what} is refused, recompiled and replaced`, () => {
      new Engine({ cache: t.dir }).compile(p.table);
      const [name] = entryFiles(t.dir);
      const file = join(t.dir, name!);
      const good = readFileSync(file);
      writeFileSync(file, damage(new Uint8Array(good.buffer as ArrayBuffer, good.byteOffset, good.byteLength)));
      const e = new Engine({ cache: t.dir });
      const m = e.compile(p.table);
      expect(stats(e)).to.include({ hits: 0, rejected: 1, writes: 1 });
      expect(run(m).callA!(0, 6)).to.equal(18);
      expect(Buffer.compare(readFileSync(file) as Uint8Array, good as Uint8Array)).to.equal(0);
      const again = new Engine({ cache: t.dir });
      again.compile(p.table);
      expect(stats(again)).to.include({ hits: 1, rejected: 0 });
    });
  }

  it('a hit gives the same trap backtraces: the offset map is read from the entry on the first trap', () => {
    const imports = { env: { log: (v: number) => v } };
    const frames = (m: Module) => {
      try {
        (new Instance(m, imports).exports as Exports).mid!(1);
      } catch (e) {
        return (e as { frames: { funcIndex: number; offset: number }[] }).frames.map((f) => [f.funcIndex, f.offset]);
      }
      throw new Error('expected a trap');
    };
    const expected = frames(new Engine({ cache: t.dir }).compile(p.trap));
    expect(expected[0]![1]).to.be.greaterThan(0);
    const e = new Engine({ cache: t.dir });
    const hit = e.compile(p.trap);
    expect(stats(e).hits).to.equal(1);
    expect(frames(hit)).to.deep.equal(expected);
    expect(stats(e).rejected).to.equal(0);
  });

  it('an offset map damaged after the load costs the backtrace its offsets only, and the entry', () => {
    const imports = { env: { log: (v: number) => v } };
    new Engine({ cache: t.dir }).compile(p.trap);
    const file = join(t.dir, entryFiles(t.dir)[0]!);
    const e = new Engine({ cache: t.dir });
    const hit = e.compile(p.trap);
    const bytes = readFileSync(file) as Uint8Array;
    bytes[entryParts(bytes).mapDigest - 8]! ^= 1; // inside the offset map
    writeFileSync(file, bytes);
    const x = new Instance(hit, imports).exports as Exports;
    let trap: { frames: { funcIndex: number; offset: number }[] } | undefined;
    try {
      x.mid!(1);
    } catch (err) {
      trap = err as typeof trap;
    }
    expect(trap!.frames.map((f) => f.funcIndex)).to.deep.equal([1, 2]);
    expect(trap!.frames.every((f) => f.offset === -1)).to.equal(true);
    expect(x.viaHost!(1)).to.equal(2);
    expect(stats(e).rejected).to.equal(1);
    expect(entryFiles(t.dir)).to.have.length(0);
  });

  it('an entry truncated or overwritten on disk after a hit: the module runs on, its backtraces lose only their offsets', async () => {
    // In child processes: code still backed by the file would die of SIGBUS (the cache
    // copies it into code pages instead, native/src/code_file.c).
    new Engine({ cache: t.dir }).compile(p.trap);
    const file = join(t.dir, 'trap.wasm');
    writeFileSync(file, p.trap);
    const child = fileURLToPath(new URL('./damage-child.js', import.meta.url));
    for (const how of ['empty', 'half', 'overwrite']) {
      const { stdout } = await promisify(execFile)(process.execPath, [child, t.dir, file, how], { encoding: 'utf8' });
      const out = JSON.parse(stdout) as { hits: number; down: number; viaHost: number; frames: { funcIndex: number; offset: number }[] };
      expect(out, how).to.deep.include({ hits: 1, down: 300, viaHost: 50 });
      expect(out.frames.map((f) => f.funcIndex), how).to.deep.equal([1, 2]);
      expect(out.frames.every((f) => f.offset === -1), how).to.equal(true);
      // The child deleted the damaged entry when the trap found its map gone: compile it again.
      new Engine({ cache: t.dir }).compile(p.trap);
    }
  });

  it("another module's entry under this module's key is refused", () => {
    new Engine({ cache: t.dir }).compile(p.table);
    const [tableEntry] = entryFiles(t.dir);
    new Engine({ cache: t.dir }).compile(p.memory);
    const memoryEntry = entryFiles(t.dir).find((f) => f !== tableEntry)!;
    writeFileSync(join(t.dir, memoryEntry), readFileSync(join(t.dir, tableEntry!)) as Uint8Array);
    const e = new Engine({ cache: t.dir });
    expect((new Instance(e.compile(p.memory), {}).exports as Exports).load!(16)).to.equal(104);
    expect(stats(e)).to.include({ hits: 0, rejected: 1, writes: 1 });
  });

  it('compileAsync reads and writes the cache too (small and background-compiled modules)', async () => {
    const large = largeModule({ functions: 400, groupsPerFunction: 12 });
    expect(large.length).to.be.greaterThan(64 * 1024);
    const a = new Engine({ cache: t.dir });
    const [sa, la] = await Promise.all([a.compileAsync(p.table), a.compileAsync(large)]);
    // Lazily compiled (WASMJIT_COMPILATION=lazy): written once background compilation has compiled it all.
    await cacheStoreDone(la);
    expect(stats(a)).to.include({ misses: 2, writes: 2, errors: 0, unserializable: 0 });
    // The asynchronous lookup (code read on a libuv thread), which modules below 1 MiB skip.
    setSyncLookupMaxBytes(0);
    const b = new Engine({ cache: t.dir });
    let sb: Module;
    let lb: Module;
    try {
      [sb, lb] = await Promise.all([b.compileAsync(p.table), b.compileAsync(large)]);
    } finally {
      setSyncLookupMaxBytes(undefined);
    }
    expect(stats(b)).to.include({ hits: 2, misses: 0 });
    // Below 1 MiB, compileAsync looks up synchronously: hits all the same.
    const d = new Engine({ cache: t.dir });
    const [sd, ld] = await Promise.all([d.compileAsync(p.table), d.compileAsync(large)]);
    expect(stats(d)).to.include({ hits: 2, misses: 0 });
    expect(run(sd).callA!(0, 2)).to.equal(run(sa).callA!(0, 2));
    expect(run(ld).run!(77)).to.equal(run(la).run!(77));
    expect(run(sb).callA!(0, 2)).to.equal(run(sa).callA!(0, 2));
    expect(run(lb).run!(77)).to.equal(run(la).run!(77));
    // The synchronous path finds what the asynchronous one wrote.
    const c = new Engine({ cache: t.dir });
    c.compile(large);
    expect(stats(c)).to.include({ hits: 1 });
  });

  it('compileAsync refuses an entry with a flipped code byte (checked on a worker thread), recompiles and replaces it', async () => {
    new Engine({ cache: t.dir }).compile(p.table);
    const file = join(t.dir, entryFiles(t.dir)[0]!);
    const good = new Uint8Array(readFileSync(file));
    writeFileSync(file, flipped(good, entryParts(good).code + 3));
    const e = new Engine({ cache: t.dir });
    setSyncLookupMaxBytes(0);
    let m: Module;
    try {
      m = await e.compileAsync(p.table);
    } finally {
      setSyncLookupMaxBytes(undefined);
    }
    expect(stats(e)).to.include({ hits: 0, rejected: 1, writes: 1 });
    expect(run(m).callA!(0, 5)).to.equal(15);
    expect(Buffer.compare(readFileSync(file) as Uint8Array, good)).to.equal(0);
  });

  it('concurrent writers of one entry (processes) all succeed and leave a valid entry', async () => {
    const file = join(t.dir, 'large.wasm');
    const cacheDir = join(t.dir, 'cache');
    writeFileSync(file, largeModule({ functions: 500, groupsPerFunction: 12 }));
    const child = fileURLToPath(new URL('./writer-child.js', import.meta.url));
    const outs = await Promise.all(['sync', 'async', 'sync', 'async'].map((mode) =>
      promisify(execFile)(process.execPath, [child, cacheDir, file, mode], { encoding: 'utf8' })));
    const results = outs.map((o) => JSON.parse(o.stdout) as { stats: CacheStats; result: number });
    for (const r of results) {
      expect(r.result).to.equal(results[0]!.result);
      expect(r.stats.errors).to.equal(0);
      expect(r.stats.rejected).to.equal(0);
    }
    expect(results.reduce((n, r) => n + r.stats.writes, 0)).to.be.greaterThan(0);
    // One entry, no temporary file left (besides, maybe, the compiler-version memo).
    expect(readdirSync(cacheDir).filter((n) => n !== 'compiler-version.json')).to.have.length(1);
    expect(entryFiles(cacheDir)).to.have.length(1);
    const e = new Engine({ cache: cacheDir });
    expect(run(e.compile(readFileSync(file))).run!(9)).to.equal(results[0]!.result);
    expect(stats(e)).to.include({ hits: 1, rejected: 0 });
  });

  it('a damaged or stale compiler-version memo in the directory is ignored and rewritten', async () => {
    const file = join(t.dir, 'large.wasm');
    writeFileSync(file, largeModule({ functions: 30, groupsPerFunction: 4 }));
    const child = fileURLToPath(new URL('./writer-child.js', import.meta.url));
    const runChild = async () => JSON.parse((await promisify(execFile)(process.execPath, [child, t.dir, file, 'sync'], { encoding: 'utf8' })).stdout) as { stats: CacheStats };
    expect((await runChild()).stats).to.include({ misses: 1, writes: 1 });
    const memoPath = join(t.dir, 'compiler-version.json');
    const memo = JSON.parse(readFileSync(memoPath, 'utf8')) as { fingerprint: string; version: string };
    expect(memo.version).to.match(/^wasmjit \S+ codegen [0-9a-f]{32}$/);
    // Stale: another fingerprint with another version. A stale memo used would miss the entry.
    writeFileSync(memoPath, JSON.stringify({ fingerprint: 'f'.repeat(64), version: 'wasmjit 0.0.0 codegen stale' }));
    expect((await runChild()).stats).to.include({ hits: 1, misses: 0 });
    expect(JSON.parse(readFileSync(memoPath, 'utf8'))).to.deep.equal(memo);
    writeFileSync(memoPath, '{"fingerprint": "damag');
    expect((await runChild()).stats).to.include({ hits: 1, misses: 0 });
    expect(JSON.parse(readFileSync(memoPath, 'utf8'))).to.deep.equal(memo);
  });

  it('the size bound holds, evicting the least recently used entries first', () => {
    const sizes = new Engine({ cache: join(t.dir, 'probe') });
    const modules = [1, 2, 3, 4, 5].map((k) => largeModule({ functions: 20 + k, groupsPerFunction: 4 }));
    sizes.compile(modules[0]!);
    const entrySize = statSync(join(t.dir, 'probe', entryFiles(join(t.dir, 'probe'))[0]!)).size;
    const bound = Math.floor(entrySize * 3.5);
    const dir = join(t.dir, 'bounded');
    const e = new Engine({ cache: dir, cacheMaxBytes: bound });
    const old = Date.now() / 1000 - 1000;
    for (const [k, m] of modules.slice(0, 3).entries()) {
      e.compile(m);
      // Distinct access times whatever the clock's resolution: the k-th written is the k-th oldest.
      for (const f of entryFiles(dir)) {
        const st = statSync(join(dir, f));
        if (st.atimeMs > (old + 100) * 1000) utimesSync(join(dir, f), old + k, old + k);
      }
    }
    expect(entryFiles(dir)).to.have.length(3);
    // A hit makes the oldest entry the most recently used one.
    e.compile(modules[0]!);
    expect(stats(e).hits).to.equal(1);
    e.compile(modules[3]!);
    e.compile(modules[4]!);
    const total = entryFiles(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(total).to.be.at.most(bound);
    expect(stats(e).evictions).to.equal(2);
    // modules[0] (hit) survived, modules[1] and [2] (least recently used) were evicted.
    const check = new Engine({ cache: dir, cacheMaxBytes: bound });
    check.compile(modules[0]!);
    check.compile(modules[4]!);
    expect(stats(check).hits).to.equal(2);
    check.compile(modules[1]!);
    expect(stats(check).misses).to.equal(1);
  });

  it("a dead writer's temporary file is removed after an hour, a live writer's is left alone", () => {
    const stale = join(t.dir, `${'a'.repeat(64)}.wjcode.tmp-1-000000000000`);
    const live = join(t.dir, `${'b'.repeat(64)}.wjcode.tmp-2-000000000000`);
    writeFileSync(stale, 'half an entry');
    writeFileSync(live, 'half an entry');
    const twoHoursAgo = Date.now() / 1000 - 7200;
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    new Engine({ cache: t.dir }).compile(p.table);
    expect(existsSync(stale)).to.equal(false);
    expect(existsSync(live)).to.equal(true);
  });

  it('a cache that cannot be written never fails a compile: counted, and one warning', async () => {
    const notADir = join(t.dir, 'file');
    writeFileSync(notADir, 'a file where the cache directory should be');
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const e = new Engine({ cache: join(notADir, 'cache') });
      expect(run(e.compile(p.table)).callA!(0, 3)).to.equal(9);
      expect(run(await e.compileAsync(p.memory)).load!(16)).to.equal(104);
      e.compile(p.trap);
      expect(stats(e).errors).to.be.at.least(3);
      expect(stats(e).hits).to.equal(0);
      await new Promise((r) => setImmediate(r));
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'WASMJIT_CACHE');
      expect(ours).to.have.length(1);
      expect(ours[0]!.message).to.include(notADir);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a read-only cache directory still serves hits (when the OS enforces it)', () => {
    new Engine({ cache: t.dir }).compile(p.table);
    chmodSync(t.dir, 0o555);
    try {
      const e = new Engine({ cache: t.dir });
      expect(run(e.compile(p.table)).callA!(0, 5)).to.equal(15);
      expect(stats(e).hits).to.equal(1);
      expect(run(e.compile(p.memory)).load!(17)).to.equal(101);
    } finally {
      chmodSync(t.dir, 0o755);
    }
  });

  it('options are checked; the default directory follows XDG', () => {
    expect(() => new Engine({ cache: 5 as unknown as boolean })).to.throw(TypeError);
    expect(() => new Engine({ cache: '' })).to.throw(TypeError);
    expect(() => new Engine({ cache: t.dir, cacheMaxBytes: -1 })).to.throw(RangeError);
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).to.equal('/x/cache/wasmjit');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).to.match(/\/\.cache\/wasmjit$/);
    expect(new Engine({ cache: true }).cacheDirectory).to.equal(defaultCacheDir());
  });

  it('a Buffer is copied like any typed array (the module keeps its own bytes)', () => {
    const buf = Buffer.from(p.table);
    const m = new Module(buf, new Engine({ cache: t.dir }));
    buf.fill(0);
    expect(moduleInfo(m).bytes.slice(0, 4)).to.deep.equal(new Uint8Array([0, 0x61, 0x73, 0x6d]));
  });
});
