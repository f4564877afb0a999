// A guest cannot exhaust or crash the host through WASI: every count, length, offset and
// cookie it passes is bounded before the host allocates or acts, the answer past a bound is
// an errno, and no host exception leaves a syscall.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../cli/support.js';
import { ENGINES, SyscallGuest } from './syscall-guest.js';

const INVAL = 28;
const IO = 29;
const FAULT = 21;
const MFILE = 33;
const NAMETOOLONG = 37;
const OVERFLOW = 61;
const PREOPEN = 3;
const MiB = 1 << 20;

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'flood-child.js');

/** Runs one flooding call in flood-child.js (512 MiB heap): its exit status and report. */
function inChild(engine: string, call: string): { status: number | null; signal: string | null; errno?: number; rssGrowth?: number } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', CHILD, engine, call], { encoding: 'utf8', timeout: 300_000 });
  const report = r.status === 0 ? JSON.parse(r.stdout) as { errno: number; rssGrowth: number } : {};
  return { status: r.status, signal: r.signal, ...report };
}

/** A guest whose stdout is a fresh file (returned), with `box` preopened. */
async function guestWithFiles(engine: 'wasmjit' | 'v8', pages = 1) {
  const dir = tempDir('wasmjit-exhaust-');
  const box = path.join(dir, 'box');
  mkdirSync(box);
  const out = path.join(dir, 'stdout');
  const fd = openSync(out, 'w');
  const guest = await SyscallGuest.create(engine, { stdout: fd, preopens: { '/box': box } }, pages);
  return { guest, box, out, close: () => closeSync(fd) };
}

/** Writes iovec `i` of an array at `at` in guest memory. */
function setIovec(g: SyscallGuest, at: number, i: number, ptr: number, len: number): void {
  const v = new DataView(g.memory);
  v.setUint32(at + 8 * i, ptr, true);
  v.setUint32(at + 8 * i + 4, len, true);
}

for (const engine of ENGINES) {
  describe(`WASI bounds what a guest can make the host do (${engine})`, function () {
    this.timeout(300_000);

    it('fd_write with 2^28 iovecs is EINVAL at once, with bounded memory', () => {
      const r = inChild(engine, 'fd_write_2p28');
      expect(r.signal, 'the child was killed').to.equal(null);
      expect(r.status).to.equal(0);
      expect(r.errno).to.equal(INVAL);
      expect(r.rssGrowth).to.be.below(200 * MiB);
    });

    it('poll_oneoff with 44 million subscriptions is EINVAL at once, with bounded memory', () => {
      const r = inChild(engine, 'poll_oneoff_huge');
      expect(r.signal, 'the child was killed').to.equal(null);
      expect(r.status).to.equal(0);
      expect(r.errno).to.equal(INVAL);
      expect(r.rssGrowth).to.be.below(200 * MiB);
    });

    it('fd_write of 1024 iovecs of 1 GiB each is a short write whose count fits the u32', async () => {
      // 1 GiB of memory plus a page for the iovec array; the host writes to /dev/null.
      const devNull = openSync('/dev/null', 'w');
      try {
        const guest = await SyscallGuest.create(engine, { stdout: devNull }, 16385);
        const iovs = 1 << 30;
        for (let i = 0; i < 1024; i++) setIovec(guest, iovs, i, 0, 1 << 30);
        expect(guest.call('fd_write', 1, iovs, 1024, iovs + 8192)).to.equal(0);
        expect(guest.u32(iovs + 8192)).to.equal(0x7fff_f000); // Linux's MAX_RW_COUNT
      } finally {
        closeSync(devNull);
      }
    });

    it('fd_write past IOV_MAX or with one bad iovec writes nothing', async () => {
      const { guest, out, close } = await guestWithFiles(engine);
      try {
        const [text] = guest.put('data');
        const iovs = 32768; // past the scratch strings
        for (let i = 0; i < 1025; i++) setIovec(guest, iovs, i, text, 4);
        expect(guest.call('fd_write', 1, iovs, 1025, 32)).to.equal(INVAL);
        setIovec(guest, iovs, 3, 0xffff_0000, 4); // the fourth is outside memory
        expect(guest.call('fd_write', 1, iovs, 5, 32)).to.equal(FAULT);
        expect(guest.call('fd_write', 1, iovs, 3, 32)).to.equal(0);
      } finally {
        close();
      }
      expect(readFileSync(out, 'utf8')).to.equal('datadatadata');
    });

    it('fd_readdir: a cookie of 2^63 or more is EOVERFLOW, one past the end lists nothing', async () => {
      const { guest, box } = await guestWithFiles(engine);
      for (const name of ['a', 'b', 'c']) writeFileSync(path.join(box, name), name);
      const [buf, len] = guest.put(new Uint8Array(1024));
      const readdir = (cookie: bigint) => {
        const errno = guest.call('fd_readdir', PREOPEN, buf, len, BigInt.asIntN(64, cookie), 16);
        return { errno, used: errno === 0 ? guest.u32(16) : -1 };
      };
      expect(readdir(1n << 63n)).to.deep.equal({ errno: OVERFLOW, used: -1 });
      expect(readdir((1n << 64n) - 1n)).to.deep.equal({ errno: OVERFLOW, used: -1 });
      expect(readdir(1n << 53n)).to.deep.equal({ errno: OVERFLOW, used: -1 });
      expect(readdir(3n)).to.deep.equal({ errno: 0, used: 0 });
      expect(readdir((1n << 53n) - 1n)).to.deep.equal({ errno: 0, used: 0 });
      expect(readdir(2n)).to.deep.equal({ errno: 0, used: 24 + 1 });
      expect(guest.call('fd_readdir', PREOPEN, 0xffff_0000, 0x1_0000, 0n, 16)).to.equal(FAULT);
    });

    it('poll_oneoff past 4096 subscriptions, or with its event array outside memory, fails before sleeping', async () => {
      const { guest } = await guestWithFiles(engine);
      expect(guest.call('poll_oneoff', 1024, 2048, 4097, 16)).to.equal(INVAL);
      // A one-hour clock subscription: an EFAULT found only after the sleep would hang here.
      const v = new DataView(guest.memory);
      v.setUint8(1024 + 8, 0); // clock
      v.setBigUint64(1024 + 24, 3600n * 1_000_000_000n, true);
      expect(guest.call('poll_oneoff', 1024, 65536 - 16, 1, 16)).to.equal(FAULT);
    });

    it('a path longer than PATH_MAX is ENAMETOOLONG', async () => {
      const { guest } = await guestWithFiles(engine);
      expect(guest.open(PREOPEN, './'.repeat(2048)).errno).to.equal(0);
      expect(guest.open(PREOPEN, `${'./'.repeat(2048)}.`).errno).to.equal(NAMETOOLONG);
      expect(guest.mkdir(PREOPEN, 'x'.repeat(5000))).to.equal(NAMETOOLONG);
    });

    it('fd_filestat_set_size and fd_seek take u64 sizes and offsets: past 2^63 is EINVAL, data intact', async () => {
      const { guest, box } = await guestWithFiles(engine);
      writeFileSync(path.join(box, 'f'), 'keep me');
      const { fd } = guest.open(PREOPEN, 'f', { write: true });
      expect(guest.call('fd_filestat_set_size', fd, -1n)).to.equal(INVAL); // 2^64 - 1
      expect(guest.call('fd_filestat_set_size', fd, 1n << 60n)).to.equal(22); // EFBIG
      expect(readFileSync(path.join(box, 'f'), 'utf8')).to.equal('keep me');
      expect(guest.call('fd_seek', fd, (1n << 63n) - 1n, 0, 16)).to.equal(0);
      expect(guest.call('fd_seek', fd, 1n, 1, 16)).to.equal(INVAL); // would pass 2^63 - 1
      guest.close(fd);
    });

    it('a guest holds at most 4096 descriptors (EMFILE), and gets one back when it closes one', async () => {
      const { guest, box } = await guestWithFiles(engine);
      writeFileSync(path.join(box, 'f'), '');
      const fds: number[] = [];
      for (;;) {
        const r = guest.open(PREOPEN, 'f');
        if (r.errno !== 0) {
          expect(r.errno).to.equal(MFILE);
          break;
        }
        fds.push(r.fd);
        if (fds.length > 5000) break;
      }
      expect(fds.length).to.equal(4096 - 4); // 0-2 are stdio, 3 the preopen
      guest.close(fds[100]!);
      expect(guest.open(PREOPEN, 'f').errno).to.equal(0);
      for (const fd of fds) guest.close(fd);
    });

    it('a host exception never leaves a syscall: it becomes EIO', async () => {
      const { guest, box } = await guestWithFiles(engine);
      writeFileSync(path.join(box, 'f'), 'x');
      const { fd } = guest.open(PREOPEN, 'f');
      // A number where the ABI passes a bigint: only a JS caller can do this, and only an
      // unexpected TypeError inside the host can come of it.
      const seek = guest.wasi.wasiImport.fd_seek!;
      expect(seek(fd, 1, 1, 16)).to.equal(IO);
      expect(guest.call('fd_seek', fd, 1n, 1, 16)).to.equal(0);
    });
  });
}
