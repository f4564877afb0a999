// Found while checking the runtime's Global against global/constructor.any.js (the JS-API
// tests): an i64 value given as an object whose valueOf is Object.prototype.valueOf (it returns the
// object itself) and whose toString gives a BigInt recursed until the JS stack overflowed.
// The conversion called valueOf() and converted the result again; ToBigInt goes through
// ToPrimitive, which falls back to toString.
import { expect } from 'chai';
import { Global } from '@wasmjit/runtime';

describe('regression: an i64 Global converts its value with ToBigInt', () => {
  it('through ToPrimitive (valueOf, then toString)', () => {
    expect(new Global({ value: 'i64' }, { toString: () => 6n }).value).to.equal(6n);
    expect(new Global({ value: 'i64' }, { valueOf: () => 9n }).value).to.equal(9n);
    expect(new Global({ value: 'i64' }, '3').value).to.equal(3n);
    expect(new Global({ value: 'i64' }, true).value).to.equal(1n);
  });

  it('with the TypeErrors of ToBigInt', () => {
    for (const v of [5, null, Symbol('s'), { toString: () => 5 }]) {
      expect(() => new Global({ value: 'i64' }, v), String(typeof v)).to.throw(TypeError);
    }
  });
});
