// The message walkers of the register hook's posting (webassembly/posting.ts), in-process:
// a module anywhere structured clone reaches is replaced on the way out and restored on the
// way in, with the message's shape (arrays, holes, Maps, Sets, cycles, shared references)
// kept; a message without modules is passed through untouched. And the stepped decoder
// the asynchronous compile uses gives what the one-go decoder gives.
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { expect } from 'chai';
import { WebAssembly as WA } from '@wasmjit/runtime/webassembly';
import { decodeModuleDeferringBodies, decodeModuleInSteps } from '@wasmjit/codegen';
import { decodeMessage, encodeMessage } from '../../../runtime/dist/webassembly/posting.js';
import { isPostedModule } from '../../../runtime/dist/threads/posted-module.js';
import { largeModule } from '../util/large-module.js';

/** A message through a real port (structured clone), with the walkers either side. */
function roundTrip(value: unknown): unknown {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(encodeMessage(value));
    return decodeMessage(receiveMessageOnPort(port2)!.message);
  } finally {
    port1.close();
    port2.close();
  }
}

describe('threads: posting walks messages', () => {
  const m = new WA.Module(largeModule({ functions: 4, groupsPerFunction: 2 }));

  it('passes a message without modules through as it is', () => {
    const msg = { a: [1, 2, { b: new Uint8Array(4) }], m: new Map([[1, 'x']]) };
    expect(encodeMessage(msg)).to.equal(msg);
    const received = { c: 1 };
    expect(decodeMessage(received)).to.equal(received);
  });

  it('replaces modules in arrays (holes kept), objects, Maps (keys too) and Sets, and restores them', () => {
    // eslint-disable-next-line no-sparse-arrays
    const arr = [m, , 3];
    const msg = { arr, obj: { deep: { m } }, map: new Map<unknown, unknown>([[m, 'key'], ['value', m]]), set: new Set([m, 1]) };
    const encoded = encodeMessage(msg) as typeof msg;
    expect(encoded).to.not.equal(msg);
    expect(msg.arr[0]).to.equal(m); // the sender's message is not changed
    expect(isPostedModule(encoded.arr[0])).to.equal(true);
    expect(1 in encoded.arr).to.equal(false);
    const got = roundTrip(msg) as typeof msg;
    expect(got.arr[0]).to.be.an.instanceOf(WA.Module);
    expect(got.arr.length).to.equal(3);
    expect(1 in got.arr).to.equal(false);
    expect(got.obj.deep.m).to.equal(got.arr[0]);
    expect([...got.map.keys()][0]).to.equal(got.arr[0]);
    expect(got.map.get('value')).to.equal(got.arr[0]);
    expect(got.set.has(got.arr[0]!)).to.equal(true);
    expect(WA.Module.exports(got.arr[0]!)).to.deep.equal(WA.Module.exports(m));
  });

  it('keeps cycles', () => {
    const a: Record<string, unknown> = { m };
    a.self = a;
    a.list = [a, m];
    const got = roundTrip(a) as Record<string, unknown>;
    expect(got.self).to.equal(got);
    expect((got.list as unknown[])[0]).to.equal(got);
    expect((got.list as unknown[])[1]).to.equal(got.m);
    expect(got.m).to.be.an.instanceOf(WA.Module);
  });

  it('refuses a Memory anywhere, even next to a module', () => {
    const memory = new WA.Memory({ initial: 1 });
    expect(() => encodeMessage({ m, x: [{ memory }] })).to.throw(DOMException, '#<Memory> could not be cloned.');
  });
});

describe('threads: decoding in steps', () => {
  it('gives what decodeModuleDeferringBodies gives, yielding between entries', () => {
    const bytes = largeModule({ functions: 300, groupsPerFunction: 2 });
    const steps = decodeModuleInSteps(bytes, {}, 16);
    let yields = 0;
    let step = steps.next();
    while (!step.done) {
      yields++;
      step = steps.next();
    }
    // 302 code entries in steps of 16, plus one between sections.
    expect(yields).to.be.greaterThan(302 / 16);
    const once = decodeModuleDeferringBodies(bytes, {});
    const { datas: d1, ...rest1 } = step.value;
    const { datas: d2, ...rest2 } = once;
    expect(rest1).to.deep.equal(rest2);
    expect(d1.map((d) => [d.mode, d.memory, Array.from(d.bytes)])).to.deep.equal(d2.map((d) => [d.mode, d.memory, Array.from(d.bytes)]));
  });

  it('fails as the one-go decoder does', () => {
    const bytes = largeModule({ functions: 30, groupsPerFunction: 2 }).slice(0, -7);
    const run = () => {
      const steps = decodeModuleInSteps(bytes, {}, 4);
      while (!steps.next().done);
    };
    let expected = '';
    try {
      decodeModuleDeferringBodies(bytes, {});
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).to.not.equal('');
    expect(run).to.throw(expected);
  });
});
