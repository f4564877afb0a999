// The add-on's headers (native/src/*.h) copy numbers of the contract in
// packages/codegen/src/abi.ts, since C cannot import TypeScript. This test parses both and
// fails on any copied number that differs, any header constant abi.ts does not have, and any
// abi.ts member missing from the header unless listed below as one native code never reads.
import { expect } from 'chai';
import { CallBuffer, MIN_HOST_STACK_RESERVE, RunStatus, TrapCode, Vmctx } from '@wasmjit/codegen';
import { abiConst, abiEnum, cName, headerConstants } from './abi-source.js';

interface Family {
  /** The abi.ts const enum. */
  enumName: string;
  /** Its header prefix: member HostCall ↔ WJ_VMCTX_HOST_CALL. */
  prefix: string;
  /** abi.ts members that native code does not use, so the header need not copy them. */
  notInHeader: readonly string[];
  /** Header constants derived from members rather than copies of one: name → expected value. */
  derived?: (members: Map<string, number>) => Record<string, number>;
}

const FAMILIES: readonly Family[] = [
  {
    enumName: 'Vmctx',
    prefix: 'WJ_VMCTX_',
    // Read only by generated code and the runtime.
    notInHeader: ['Globals', 'EpochPtr', 'EpochDeadline', 'Fuel', 'EpochPoll', 'HeaderEnd'],
  },
  {
    enumName: 'TrapCode',
    prefix: 'WJ_TRAP_',
    // Only generated code raises these (the add-on passes them through).
    notInHeader: [
      'Unreachable', 'IntegerDivideByZero', 'IntegerOverflow', 'BadConversionToInteger', 'OutOfBoundsTable',
      'IndirectCallToNull', 'BadSignature', 'NullReference', 'UninitializedElement', 'OutOfBoundsDataOrElem',
      'Interrupt', 'OutOfFuel', 'UnalignedAtomic',
    ],
  },
  {
    enumName: 'CallBuffer',
    prefix: 'WJ_CB_',
    notInHeader: [],
    derived: (m) => ({ WJ_CB_MAX_AREA: m.get('AreaEnd')! - m.get('AreaStart')! }),
  },
  { enumName: 'RunStatus', prefix: 'WJ_STATUS_', notInHeader: [] },
];

function hex(n: number | undefined): string {
  return n === undefined ? 'none' : `0x${n.toString(16)}`;
}

describe('native headers agree with abi.ts', () => {
  const header = headerConstants();

  it('the abi.ts reader sees what the compiler inlines', () => {
    // Guards the parser itself: a few members, read both ways.
    expect(abiEnum('Vmctx').get('TrapUnwind')).to.equal(Vmctx.TrapUnwind);
    expect(abiEnum('Vmctx').get('HeaderEnd')).to.equal(Vmctx.HeaderEnd);
    expect(abiEnum('TrapCode').get('OutOfFuel')).to.equal(TrapCode.OutOfFuel);
    expect(abiEnum('CallBuffer').get('Slots')).to.equal(CallBuffer.Slots);
    expect(abiEnum('RunStatus').get('HostCall')).to.equal(RunStatus.HostCall);
    expect(abiConst('MIN_HOST_STACK_RESERVE')).to.equal(MIN_HOST_STACK_RESERVE);
    expect(abiEnum('TrapCode').size).to.equal(TrapCode.ExpectedSharedMemory + 1);
  });

  for (const family of FAMILIES) {
    it(`${family.prefix}* mirrors abi.ts ${family.enumName}`, () => {
      const members = abiEnum(family.enumName);
      const derived = family.derived?.(members) ?? {};
      const problems: string[] = [];
      for (const [member, value] of members) {
        const name = family.prefix + cName(member);
        const inHeader = header.get(name);
        if (inHeader === undefined) {
          if (!family.notInHeader.includes(member)) problems.push(`${name} missing (abi.ts ${family.enumName}.${member} = ${hex(value)})`);
        } else if (inHeader.value !== value) {
          problems.push(`${name} = ${hex(inHeader.value)} in ${inHeader.file}, abi.ts ${family.enumName}.${member} = ${hex(value)}`);
        }
      }
      const names = new Set([...members.keys()].map((m) => family.prefix + cName(m)));
      for (const [name, { value, file }] of header) {
        if (!name.startsWith(family.prefix) || names.has(name)) continue;
        if (name in derived) {
          if (derived[name] !== value) problems.push(`${name} = ${hex(value)} in ${file}, expected ${hex(derived[name])}`);
        } else {
          problems.push(`${name} (${file}) has no member in abi.ts ${family.enumName}`);
        }
      }
      for (const member of family.notInHeader) {
        if (!members.has(member)) problems.push(`the test lists ${family.enumName}.${member}, which abi.ts no longer has`);
        else if (header.has(family.prefix + cName(member))) problems.push(`the test lists ${family.enumName}.${member} as not in the header, but it is`);
      }
      expect(problems).to.deep.equal([]);
    });
  }

  it('WJ_MIN_HOST_STACK_RESERVE is abi.ts MIN_HOST_STACK_RESERVE', () => {
    expect(header.get('WJ_MIN_HOST_STACK_RESERVE')?.value).to.equal(abiConst('MIN_HOST_STACK_RESERVE'));
  });
});
