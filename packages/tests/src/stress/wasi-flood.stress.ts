// Long floods of the WASI calls whose guest-chosen counts once exhausted the host: thousands
// of fd_write/fd_read calls with full IOV_MAX iovec lists, refused oversized ones, full
// poll_oneoff subscription lists, and path walks through directory descriptors. Memory must
// stay bounded and no host fd may leak. (Bounded versions: wasi/exhaustion.test.ts and
// wasi/dirfd-escape.test.ts.)
import { expect } from 'chai';
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../cli/support.js';
import { ENGINES, SyscallGuest } from '../wasi/syscall-guest.js';

const IOV_MAX = 1024;
const CHUNK = 4096;
/** The iovec array, then IOV_MAX buffers of CHUNK bytes. */
const IOVS = 65536;
const BUFS = IOVS + 8 * IOV_MAX + 8;
const PAGES = Math.ceil((BUFS + IOV_MAX * CHUNK) / 65536);
const MiB = 1 << 20;

const openFds = () => readdirSync('/proc/self/fd').length;

function fillIovecs(g: SyscallGuest, count: number): void {
  const v = new DataView(g.memory);
  for (let i = 0; i < count; i++) {
    v.setUint32(IOVS + 8 * i, BUFS + i * CHUNK, true);
    v.setUint32(IOVS + 8 * i + 4, CHUNK, true);
  }
}

for (const engine of ENGINES) {
  describe(`WASI flood (${engine})`, function () {
    this.timeout(900_000);

    it('5,000 fd_write and 5,000 fd_read calls of IOV_MAX iovecs, and 100,000 refused ones', async () => {
      const devNull = openSync('/dev/null', 'w');
      const devZero = openSync('/dev/zero', 'r');
      try {
        const guest = await SyscallGuest.create(engine, { stdin: devZero, stdout: devNull }, PAGES);
        fillIovecs(guest, IOV_MAX);
        const rss = process.memoryUsage().rss;
        for (let i = 0; i < 5000; i++) {
          expect(guest.call('fd_write', 1, IOVS, IOV_MAX, 16)).to.equal(0);
          expect(guest.u32(16)).to.equal(IOV_MAX * CHUNK);
          expect(guest.call('fd_read', 0, IOVS, IOV_MAX, 16)).to.equal(0);
          expect(guest.u32(16)).to.equal(IOV_MAX * CHUNK);
        }
        for (let i = 0; i < 100_000; i++) {
          expect(guest.call('fd_write', 1, 0, 2 ** 28 + i, 16)).to.equal(28); // EINVAL
          expect(guest.call('fd_write', 1, 0xffff_0000, IOV_MAX, 16)).to.equal(21); // EFAULT
        }
        expect(process.memoryUsage().rss - rss).to.be.below(200 * MiB);
      } finally {
        closeSync(devNull);
        closeSync(devZero);
      }
    });

    it('2,000 poll_oneoff calls of 4,096 expired clock subscriptions', async () => {
      const guest = await SyscallGuest.create(engine, {}, 16);
      // Zeroed subscriptions: realtime clock, relative timeout 0, so all are due at once.
      const rss = process.memoryUsage().rss;
      for (let i = 0; i < 2000; i++) {
        expect(guest.call('poll_oneoff', 65536, 65536 + 48 * 4096, 4096, 16)).to.equal(0);
        expect(guest.u32(16)).to.equal(4096);
        expect(guest.call('poll_oneoff', 65536, 65536 + 48 * 4096, 4097 + i, 16)).to.equal(28);
      }
      expect(process.memoryUsage().rss - rss).to.be.below(200 * MiB);
    });

    it('50,000 path walks through directory descriptors leak no host fd', async () => {
      const box = path.join(tempDir('wasmjit-flood-'), 'box');
      mkdirSync(path.join(box, 'a/b/c/d'), { recursive: true });
      writeFileSync(path.join(box, 'a/b/c/d/f'), 'deep');
      const guest = await SyscallGuest.create(engine, { preopens: { '/box': box } });
      expect(guest.symlink('a/b/c', 3, 'to_c')).to.equal(0);
      const base = openFds();
      for (let i = 0; i < 10_000; i++) {
        const dir = guest.open(3, 'to_c/d/../../c', { directory: true });
        expect(dir.errno).to.equal(0);
        expect(guest.readFile(dir.fd, 'd/../d/f')).to.equal('deep');
        expect(guest.readFile(3, 'to_c/d/../../../../../x')).to.equal('errno 76');
        expect(guest.stat(3, 'a/b/c/d/missing/x').errno).to.equal(44);
        expect(guest.readFile(dir.fd, '..')).to.equal('errno 76');
        expect(guest.close(dir.fd)).to.equal(0);
      }
      expect(openFds()).to.equal(base);
    });
  });
}
