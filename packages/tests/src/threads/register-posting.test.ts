// Under the register hook (node --import @wasmjit/runtime/register), WebAssembly.Module
// objects posted to workers arrive as modules there, as with the built-in: transparent,
// compiled once; Memory, Table, Global and Instance refuse to be cloned as V8's do; a
// forged module in a message is a 'messageerror', never code. Each scenario runs in a child
// process (register-child.ts), since the hook changes globals.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const REGISTER = fileURLToPath(new URL('../../../runtime/dist/register.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./register-child.js', import.meta.url));

function scenario(name: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', REGISTER, CHILD, name], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out) as Record<string, unknown>;
}

describe('threads: posting modules under the register hook', function () {
  this.timeout(120_000);

  it('a WebAssembly.Module arrives in a worker as one, the same object wherever the message has it, compiled once', () => {
    const r = scenario('post');
    expect(r.worker).to.deep.include({ isModule: true, sameInList: true, sameInMap: true, exports: ['run', 'indirect', 'mem'], madeHere: 0 });
    expect((r.worker as { run: number }).run).to.equal(r.expected);
    // Posted back to the main thread, it is a module there too; no thread compiled it again.
    expect(r.backIsModule).to.equal(true);
    expect(r.backRuns).to.equal(r.expected);
    expect(r.madeDuring).to.equal(0);
  });

  it('Memory, Table, Global and Instance throw DataCloneError, as V8\'s non-shared ones; structuredClone keeps modules', () => {
    const r = scenario('uncloneable');
    expect(r).to.deep.equal({
      memory: 'DataCloneError: #<Memory> could not be cloned.',
      table: 'DataCloneError: #<Table> could not be cloned.',
      global: 'DataCloneError: #<Global> could not be cloned.',
      instance: 'DataCloneError: #<Instance> could not be cloned.',
      nested: 'DataCloneError: #<Memory> could not be cloned.',
      structuredClone: 'true',
    });
  });

  it('a forged module in a message is compiled from its bytes: garbage is a messageerror, and maps no code', () => {
    const r = scenario('forged');
    expect(r.garbage).to.deep.equal({ type: 'messageerror', what: 'CompileError: magic header not detected @+0x0', made: 0 });
    // Valid bytes under an unknown id: a module compiled here, like any other.
    expect(r['valid-bytes']).to.deep.equal({ type: 'message', what: true, made: 1 });
  });

  it('workers that exit holding instances of a posted module leave it working and release their references', () => {
    const r = scenario('exitHolding');
    expect(r).to.deep.include({ liveWhileHeld: 1, sharedWhileHeld: 1, liveAfter: 0, sharedAfter: 0 });
    expect(r.runs).to.be.a('number');
  });
});
