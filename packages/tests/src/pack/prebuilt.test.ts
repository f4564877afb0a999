// The prebuilt add-on that @wasmjit/native ships (prebuilds/linux-x64-glibc), as the
// repository's build stages it: the binary of that build, an x86-64 ELF that asks Node only
// for Node-API (so one file loads on every Node.js version, no rebuild), needs no newer glibc
// than platform.cjs's MIN_GLIBC states, and stays mapped once loaded (-z nodelete).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import { MIN_GLIBC, PREBUILD_TAG, versionAtLeast } from '@wasmjit/native/platform';

const nativeDir = path.dirname(createRequire(import.meta.url).resolve('@wasmjit/native/package.json'));
const PREBUILT = path.join(nativeDir, 'prebuilds', PREBUILD_TAG, 'wasmjit_native.node');
const BUILT = path.join(nativeDir, 'build', 'Release', 'wasmjit_native.node');

function readelf(...args: string[]): string {
  const r = spawnSync('readelf', ['-W', ...args, PREBUILT], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) throw r.error;
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout;
}

describe('prebuilt add-on (linux-x64-glibc)', function () {
  before(function () {
    if (spawnSync('readelf', ['--version']).status !== 0) this.skip(); // binutils absent: nothing to read ELF with
  });

  it('is the binary the build made, staged by the native build script', () => {
    const sha = (file: string) => createHash('sha256').update(readFileSync(file, 'latin1'), 'latin1').digest('hex');
    expect(sha(PREBUILT), 'stale prebuilt: build the add-on with pnpm build').to.equal(sha(BUILT));
  });

  it('is a 64-bit x86-64 shared object', () => {
    const h = readFileSync(PREBUILT).subarray(0, 20);
    expect([...h.subarray(0, 4)]).to.deep.equal([0x7f, 0x45, 0x4c, 0x46]); // \x7fELF
    expect(h[4]).to.equal(2); // ELFCLASS64
    expect(h.readUInt16LE(16)).to.equal(3); // ET_DYN
    expect(h.readUInt16LE(18)).to.equal(62); // EM_X86_64
  });

  it('takes nothing from Node but Node-API, and registers as a Node-API module', () => {
    const syms = readelf('--dyn-syms').split('\n').map((l) => l.trim().split(/\s+/));
    // Num: Value Size Type Bind Vis Ndx Name
    const undefinedFromNode = syms.filter((s) => s[6] === 'UND' && s[4] === 'GLOBAL' && s[7] && !s[7].includes('@')).map((s) => s[7]!);
    expect(undefinedFromNode.length).to.be.greaterThan(10);
    expect(undefinedFromNode.filter((n) => !/^(napi_|node_api_)/.test(n)), 'V8/libuv/node symbols tie a binary to one Node ABI').to.deep.equal([]);
    const defined = new Set(syms.filter((s) => s[3] === 'FUNC' && s[4] === 'GLOBAL' && /^\d+$/.test(s[6] ?? '')).map((s) => s[7]));
    expect([...defined].sort()).to.deep.equal(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
  });

  it(`needs glibc ${MIN_GLIBC} at most, and only libc`, () => {
    const needs = readelf('-V').split('Version needs section')[1] ?? '';
    const versions = [...needs.matchAll(/Name: GLIBC_([\d.]+)/g)].map((m) => m[1]!);
    expect(versions).to.include(MIN_GLIBC); // the check in platform.cjs is exactly as strict as the binary
    expect(versions.filter((v) => !versionAtLeast(MIN_GLIBC, v))).to.deep.equal([]);
    const libs = [...readelf('-d').matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    expect(libs).to.deep.equal(['libc.so.6']);
  });

  it('is never unloaded (-z nodelete): its fault handler and timer thread outlive workers', () => {
    expect(readelf('-d')).to.match(/\(FLAGS_1\)\s+Flags:.*\bNODELETE\b/);
  });
});
