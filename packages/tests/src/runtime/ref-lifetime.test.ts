// Issue 12 item 5 (reference lifetimes): instances of modules with a table, instances whose
// import closures refer to them, and dropped Modules must be collectable — within one
// synchronous job, where no WeakRef is cleared and no FinalizationRegistry callback runs —
// while anything a live table, global or instance can still reach stays alive and callable.
// Runs in a child process with --expose-gc (ref-lifetime-child.ts); the long loops are in
// stress/refs.stress.ts.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const N = 200;

describe('runtime: reference lifetimes (gc in a child process)', function () {
  this.timeout(120_000);
  let report: Record<string, unknown>;

  before(() => {
    const child = fileURLToPath(new URL('./ref-lifetime-child.js', import.meta.url));
    const r = spawnSync(process.execPath, ['--expose-gc', child, String(N)], { encoding: 'utf8', timeout: 110_000 });
    expect(r.status, r.stderr).to.equal(0);
    report = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  });

  it('instances of a module with a table (no memory), dropped in a synchronous loop, are all collected by a gc in that loop', () => {
    expect(report.syncTableSum).to.equal(3 * N);
    expect(report.syncTable).to.equal(N);
  });

  it('instances whose import closure refers to the instance are collected', () => {
    expect(report.syncClosure).to.equal(N);
  });

  it('instances with their own memory (grown and filled through the memory builtins) and their Memories are collected in the same job', () => {
    expect(report.syncMemorySum).to.equal(7 * N);
    expect(report.syncMemory).to.deep.equal([N, N]);
  });

  it('dropped Modules (half of them after a trap built a backtrace naming them) are collected in the same job', () => {
    expect(report.syncModules).to.equal(N);
  });

  it('with yields between batches too', () => {
    expect(report.asyncTable).to.equal(N);
  });

  it('an instance whose function is in a live Table or Global, or imported by a live instance, stays alive and callable', () => {
    expect(report.kept).to.deep.equal({ collected: [0, 0, 0], viaTable: 42, viaGet: 42, viaGlobal: 42, viaImport: 42 });
    // Dropping the Global and the importing instance lets theirs go.
    expect(report.afterGlobalAndImporter).to.deep.equal([1, 1]);
  });

  it('externref values held only by a dropped instance are collected; those in a live Table are kept', () => {
    expect(report.externs).to.deep.equal({ dropped: 1, kept: 0, keptValue: 'kept' });
  });
});
