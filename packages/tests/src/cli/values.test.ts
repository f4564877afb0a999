// The CLI's value text (--invoke) and option parsing, in-process.
import { expect } from 'chai';
import { formatValue, parseValue } from '../../../runtime/dist/cli/values.js';
import { UsageError, byteCount, parseArgs, type CommandSpec } from '../../../runtime/dist/cli/args.js';

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;

describe('CLI values', () => {
  it('round-trips every float spelling through its bits', () => {
    for (const [t, text] of [
      [F32, '0.1'], [F32, '3.4028235e+38'], [F32, '1e-45'], [F32, '-0'], [F32, 'nan:0x1'], [F32, '-inf'],
      [F64, '0.1'], [F64, '1.7976931348623157e+308'], [F64, '5e-324'], [F64, '-nan'], [F64, 'nan:0xfffffffffffff'],
    ] as const) {
      expect(formatValue(t, parseValue(t, text)), text).to.equal(text);
    }
  });

  it('reads hex floats and integers with underscores', () => {
    expect(parseValue(F64, '0x1p-1')).to.equal(0x3fe0000000000000n);
    expect(parseValue(F32, '-0x1.8p1')).to.equal(0xc0400000n);
    expect(parseValue(I64, '-0x8000_0000_0000_0000')).to.equal(0x8000000000000000n);
    expect(parseValue(I32, '4_294_967_295')).to.equal(0xffffffffn);
  });

  it('refuses what is not a value of the type', () => {
    for (const [t, text] of [[I32, '1.5'], [I32, '-2147483649'], [I64, '18446744073709551616'], [F32, 'nan:0x0'],
      [F32, 'nan:0x800000'], [F64, '1e'], [F64, '']] as const) {
      expect(() => parseValue(t, text), text).to.throw(UsageError);
    }
  });
});

describe('CLI option parsing', () => {
  const SPEC: CommandSpec = {
    name: 't', usage: '', summary: '', stopAtPositional: true,
    options: [{ name: 'dir', value: 'D', repeat: true, help: '' }, { name: 'mode', value: 'M', choices: ['a', 'b'], help: '' }, { name: 'flag', help: '' }],
  };

  it('takes --name value and --name=value, repeats, flags, and stops at the module', () => {
    const p = parseArgs(SPEC, ['--dir', 'x', '--dir=y::z', '--flag', '--mode=a', 'm.wasm', '--dir', 'q']);
    expect(p.values.get('dir')).to.deep.equal(['x', 'y::z']);
    expect(p.values.get('mode')).to.deep.equal(['a']);
    expect(p.values.has('flag')).to.equal(true);
    expect(p.positionals).to.deep.equal(['m.wasm', '--dir', 'q']);
  });

  it('refuses unknown options, missing values, bad choices and repeats of single options', () => {
    for (const argv of [['--nope'], ['--dir'], ['--mode', 'c'], ['--mode=a', '--mode=b'], ['--flag=1']]) {
      expect(() => parseArgs(SPEC, argv), argv.join(' ')).to.throw(UsageError);
    }
  });

  it('reads byte counts with k/m/g suffixes', () => {
    const count = (v: string) => byteCount(parseArgs({ ...SPEC, options: [{ name: 's', value: 'B', help: '' }] }, ['--s', v]), 's');
    expect(count('4096')).to.equal(4096);
    expect(count('64k')).to.equal(65536);
    expect(count('2MiB')).to.equal(2 * 1024 * 1024);
    expect(() => count('0')).to.throw(UsageError);
    expect(() => count('lots')).to.throw(UsageError);
  });
});
