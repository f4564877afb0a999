// @wasmjit/native/platform: which hosts the add-on loads on. Only linux-x64 with glibc runs
// here, so the other hosts are described to the pure check rather than run; the last cases
// check that a refused host really gets the Error (in a child whose platform is faked).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { MIN_GLIBC, MIN_NODE, currentHost, unsupportedReason, versionAtLeast, type Host } from '@wasmjit/native/platform';

const OK: Host = { platform: 'linux', arch: 'x64', node: '20.10.0', glibc: '2.34' };
const host = (o: Partial<Host>): Host => ({ ...OK, ...o });

describe('native platform check', () => {
  it('accepts Linux x64 with glibc and Node at or above the minimums', () => {
    expect(MIN_NODE).to.equal('20.10.0');
    expect(unsupportedReason(OK, 'prebuilt')).to.equal(null);
    expect(unsupportedReason(host({ node: '24.1.0', glibc: '2.41' }), 'prebuilt')).to.equal(null);
    expect(unsupportedReason(host({ node: '20.20.2', glibc: '2.36' }), 'prebuilt')).to.equal(null);
  });

  it('refuses other operating systems and architectures, naming the host', () => {
    for (const [platform, arch] of [['darwin', 'arm64'], ['darwin', 'x64'], ['win32', 'x64'], ['linux', 'arm64'], ['linux', 'ia32'], ['freebsd', 'x64']]) {
      for (const kind of ['prebuilt', 'source'] as const) {
        const reason = unsupportedReason(host({ platform: platform!, arch: arch! }), kind);
        expect(reason, `${platform}-${arch}`).to.be.a('string').and.include('only on Linux x64').and.include(`${platform}-${arch}`);
      }
    }
  });

  it('refuses Node.js older than 20.10.0, whose Node-API defers finalizers', () => {
    for (const node of ['20.9.0', '20.0.0', '18.19.0', '16.20.2']) {
      expect(unsupportedReason(host({ node }), 'source'), node).to.include(`Node.js ${MIN_NODE} or later`).and.include(node);
    }
  });

  it('refuses the glibc prebuilt under musl, and glibc older than the binary needs', () => {
    expect(unsupportedReason(host({ glibc: undefined }), 'prebuilt')).to.include('needs glibc').and.include('musl');
    const old = unsupportedReason(host({ glibc: '2.31' }), 'prebuilt');
    expect(old).to.include(`glibc ${MIN_GLIBC} or later`).and.include('2.31').and.include('from source');
  });

  it('leaves the C library of a binary built from source to that build', () => {
    expect(unsupportedReason(host({ glibc: undefined }), 'source')).to.equal(null);
    expect(unsupportedReason(host({ glibc: '2.17' }), 'source')).to.equal(null);
  });

  it('compares versions numerically', () => {
    expect(versionAtLeast('2.34', '2.34')).to.equal(true);
    expect(versionAtLeast('2.4', '2.34')).to.equal(false);
    expect(versionAtLeast('2.100', '2.34')).to.equal(true);
    expect(versionAtLeast('v20.10.0', '20.10.0')).to.equal(true);
    expect(versionAtLeast('20.9.9', '20.10.0')).to.equal(false);
    expect(versionAtLeast('21', '20.10.0')).to.equal(true);
    expect(versionAtLeast('3.0', '2.34')).to.equal(true);
  });

  it('reads this host as supported', () => {
    const me = currentHost(true);
    expect(me.platform).to.equal(process.platform);
    expect(me.glibc).to.match(/^\d+\.\d+/);
    expect(unsupportedReason(me, 'prebuilt')).to.equal(null);
  });

  it('throws ERR_WASMJIT_UNSUPPORTED_PLATFORM from require on a refused host, before opening the binary', () => {
    // A child that pretends to be darwin-arm64 (process.platform and process.arch are
    // configurable) and reports what requiring the add-on did.
    const entry = createRequire(import.meta.url).resolve('@wasmjit/native');
    const script = `
      Object.defineProperty(process, 'platform', { value: 'darwin' });
      Object.defineProperty(process, 'arch', { value: 'arm64' });
      try { require(${JSON.stringify(entry)}); console.log(JSON.stringify({ loaded: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
      const opened = require('node:fs').readFileSync('/proc/self/maps', 'utf8').includes('wasmjit_native.node');
      console.log(JSON.stringify({ opened }));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const [result, maps] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(result.code).to.equal('ERR_WASMJIT_UNSUPPORTED_PLATFORM');
    expect(result.message).to.include('only on Linux x64').and.include('darwin-arm64');
    expect(maps.opened).to.equal(false);
  });
});
