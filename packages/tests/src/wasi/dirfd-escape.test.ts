// A directory descriptor stays bound to the directory it opened. The guest alone opens `sub`
// as a descriptor, renames `sub` away and puts an escaping symlink where it was (its own, or
// one the host made that it renames into place); every path under the descriptor must still
// resolve in the renamed directory, and nothing outside the preopen may be read, created,
// changed or deleted. Also: symlink loops, `..` through the renamed directory, and
// rename/link/unlink/mkdir aimed across the boundary, all refused. The host's actions happen
// between two guest calls (see syscall-guest.ts), so the race is deterministic.
import { expect } from 'chai';
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { snapshotTree, tempDir } from '../cli/support.js';
import { ENGINES, SyscallGuest } from './syscall-guest.js';

const NOENT = 44;
const NOTCAPABLE = 76;
const LOOP = 32;
const PREOPEN = 3;

/** The outside tree: contents, links, and every entry's mtime (a touch would show). */
function outsideState(dir: string): Record<string, string> {
  const tree = snapshotTree(dir);
  for (const rel of Object.keys(tree)) tree[rel] += ` @${lstatSync(path.join(dir, rel)).mtimeMs}`;
  return tree;
}

/** This process's open host fds. */
const openFds = () => readdirSync('/proc/self/fd').length;

interface World {
  root: string;
  box: string;
  outside: string;
  guest: SyscallGuest;
  /** The outside tree before the guest ran. */
  before: Record<string, string>;
}

/**
 * root/box is preopened (fd 3); root/outside is the host's. Both have an `x` and a `child/`
 * so that a lookup that escapes finds something to act on; outside has a `victim`.
 */
async function world(engine: 'wasmjit' | 'v8'): Promise<World> {
  const root = realpathSync(tempDir('wasmjit-escape-'));
  const box = path.join(root, 'box');
  const outside = path.join(root, 'outside');
  mkdirSync(path.join(box, 'sub/child'), { recursive: true });
  mkdirSync(path.join(outside, 'child'), { recursive: true });
  writeFileSync(path.join(box, 'sub/x'), 'inside x');
  writeFileSync(path.join(outside, 'x'), 'outside x');
  writeFileSync(path.join(outside, 'victim'), 'victim');
  symlinkSync('../outside', path.join(box, 'esc')); // made by the host, escaping
  symlinkSync('../outside/x', path.join(box, 'esc_file'));
  const guest = await SyscallGuest.create(engine, { preopens: { '/sandbox': box } });
  return { root, box, outside, guest, before: outsideState(outside) };
}

for (const engine of ENGINES) {
  describe(`WASI directory descriptors stay bound to their directory (${engine})`, () => {
    // The race in its two forms: how an escaping symlink ends up where `sub` was.
    const swaps: Record<string, (g: SyscallGuest) => void> = {
      'the guest makes an escaping symlink': (g) => expect(g.symlink('../outside', PREOPEN, 'sub')).to.equal(0),
      'the guest renames the host\'s escaping symlink into place': (g) => expect(g.rename(PREOPEN, 'esc', PREOPEN, 'sub')).to.equal(0),
    };

    for (const [how, swap] of Object.entries(swaps)) {
      describe(`sub renamed away, then ${how}`, () => {
        let w: World;
        let sub: number;
        beforeEach(async () => {
          w = await world(engine);
          const opened = w.guest.open(PREOPEN, 'sub', { directory: true });
          expect(opened.errno).to.equal(0);
          sub = opened.fd;
          expect(w.guest.rename(PREOPEN, 'sub', PREOPEN, 'moved')).to.equal(0);
          swap(w.guest);
          expect(lstatSync(path.join(w.box, 'sub')).isSymbolicLink()).to.equal(true);
        });
        afterEach(() => expect(outsideState(w.outside)).to.deep.equal(w.before));

        it('reads, stats and lists the directory the descriptor opened, not the symlink\'s target', () => {
          expect(w.guest.readFile(sub, 'x')).to.equal('inside x');
          expect(w.guest.readFile(sub, 'child/../x')).to.equal('inside x'); // `..` through it
          expect(w.guest.stat(sub, 'x').ino).to.equal(lstatSync(path.join(w.box, 'moved/x'), { bigint: true }).ino);
          expect(w.guest.stat(sub, 'victim').errno).to.equal(NOENT);
          expect(w.guest.readFile(sub, 'victim')).to.equal(`errno ${NOENT}`);
          expect(w.guest.list(sub)).to.deep.equal(['child', 'x']);
        });

        it('creates, links, renames and deletes in the renamed directory only', () => {
          expect(w.guest.writeFile(sub, 'created', 'new')).to.equal(0);
          expect(w.guest.mkdir(sub, 'newdir')).to.equal(0);
          expect(w.guest.link(sub, 'x', sub, 'x_link')).to.equal(0);
          expect(w.guest.rename(sub, 'x', sub, 'x_renamed')).to.equal(0);
          expect(w.guest.symlink('x_renamed', sub, 'x_sym')).to.equal(0);
          expect(w.guest.setMtime(sub, 'x_sym', 1_000_000)).to.equal(0);
          expect(w.guest.unlink(sub, 'victim')).to.equal(NOENT);
          expect(w.guest.rmdir(sub, 'child')).to.equal(0);
          expect(readFileSync(path.join(w.box, 'moved/created'), 'utf8')).to.equal('new');
          expect(lstatSync(path.join(w.box, 'moved/newdir')).isDirectory()).to.equal(true);
          expect(readFileSync(path.join(w.box, 'moved/x_link'), 'utf8')).to.equal('inside x');
          expect(lstatSync(path.join(w.box, 'moved/x_renamed')).mtimeMs).to.equal(1e9);
        });

        it('the symlink itself still refuses to lead outside', () => {
          expect(w.guest.readFile(PREOPEN, 'sub/x')).to.equal(`errno ${NOTCAPABLE}`);
          expect(w.guest.writeFile(PREOPEN, 'sub/created', 'no')).to.equal(NOTCAPABLE);
          expect(w.guest.unlink(PREOPEN, 'sub/victim')).to.equal(NOTCAPABLE);
          expect(w.guest.open(PREOPEN, 'sub', { directory: true }).errno).to.equal(NOTCAPABLE);
          expect(w.guest.readFile(sub, '../outside/x')).to.equal(`errno ${NOTCAPABLE}`);
          expect(w.guest.readFile(sub, '..')).to.equal(`errno ${NOTCAPABLE}`);
        });
      });
    }

    describe('paths aimed across the boundary', () => {
      let w: World;
      beforeEach(async () => {
        w = await world(engine);
      });
      afterEach(() => expect(outsideState(w.outside)).to.deep.equal(w.before));

      it('rename, link, unlink, mkdir, rmdir, stat, set_times and readlink through `..` or an escaping symlink', () => {
        const g = w.guest;
        expect(g.rename(PREOPEN, 'sub/x', PREOPEN, '../outside/stolen')).to.equal(NOTCAPABLE);
        expect(g.rename(PREOPEN, 'sub/x', PREOPEN, 'esc/stolen')).to.equal(NOTCAPABLE);
        expect(g.rename(PREOPEN, 'esc/victim', PREOPEN, 'taken')).to.equal(NOTCAPABLE);
        expect(g.rename(PREOPEN, 'sub/../../outside/victim', PREOPEN, 'taken')).to.equal(NOTCAPABLE);
        expect(g.link(PREOPEN, 'esc/x', PREOPEN, 'hard')).to.equal(NOTCAPABLE);
        expect(g.link(PREOPEN, 'esc_file', PREOPEN, 'hard', true)).to.equal(NOTCAPABLE);
        expect(g.link(PREOPEN, 'sub/x', PREOPEN, 'esc/hard')).to.equal(NOTCAPABLE);
        expect(g.unlink(PREOPEN, 'esc/victim')).to.equal(NOTCAPABLE);
        expect(g.unlink(PREOPEN, '../outside/victim')).to.equal(NOTCAPABLE);
        expect(g.mkdir(PREOPEN, 'esc/newdir')).to.equal(NOTCAPABLE);
        expect(g.mkdir(PREOPEN, 'esc/child/')).to.equal(NOTCAPABLE);
        expect(g.rmdir(PREOPEN, 'esc/child')).to.equal(NOTCAPABLE);
        expect(g.rmdir(PREOPEN, 'esc/')).to.equal(NOTCAPABLE);
        expect(g.stat(PREOPEN, 'esc/victim').errno).to.equal(NOTCAPABLE);
        expect(g.stat(PREOPEN, 'esc_file').errno).to.equal(NOTCAPABLE);
        expect(g.setMtime(PREOPEN, 'esc_file', 1)).to.equal(NOTCAPABLE);
        expect(g.setMtime(PREOPEN, 'esc/x', 1)).to.equal(NOTCAPABLE);
        expect(g.readlink(PREOPEN, 'esc/x')).to.equal(`errno ${NOTCAPABLE}`);
        expect(g.symlink('/etc/passwd', PREOPEN, 'abs')).to.equal(NOTCAPABLE);
        expect(g.writeFile(PREOPEN, 'esc_file', 'overwrite')).to.equal(NOTCAPABLE);
        expect(g.open(PREOPEN, 'esc_file', { follow: false }).errno).to.equal(LOOP); // O_NOFOLLOW
      });

      it('acting on an escaping symlink itself (not following it) stays inside', () => {
        const g = w.guest;
        expect(g.readlink(PREOPEN, 'esc')).to.equal('../outside');
        expect(g.stat(PREOPEN, 'esc', false).errno).to.equal(0);
        expect(g.link(PREOPEN, 'esc_file', PREOPEN, 'esc_file_link')).to.equal(0); // links the symlink
        expect(g.readFile(PREOPEN, 'esc_file_link')).to.equal(`errno ${NOTCAPABLE}`);
        expect(g.rename(PREOPEN, 'esc', PREOPEN, 'esc2')).to.equal(0);
        expect(g.unlink(PREOPEN, 'esc2')).to.equal(0);
        expect(lstatSync(w.outside).isDirectory()).to.equal(true);
      });

      it('symlink loops and over-long chains are ELOOP; a chain of 40 is followed', () => {
        const g = w.guest;
        expect(g.symlink('loop2', PREOPEN, 'loop1')).to.equal(0);
        expect(g.symlink('loop1', PREOPEN, 'loop2')).to.equal(0);
        expect(g.symlink('self/x', PREOPEN, 'self')).to.equal(0);
        expect(g.readFile(PREOPEN, 'loop1')).to.equal(`errno ${LOOP}`);
        expect(g.readFile(PREOPEN, 'loop1/x')).to.equal(`errno ${LOOP}`);
        expect(g.readFile(PREOPEN, 'self')).to.equal(`errno ${LOOP}`);
        expect(g.mkdir(PREOPEN, 'loop1/new')).to.equal(LOOP);
        // chain_i -> chain_{i+1}, and chain_40 -> sub/x: 40 links to expand (Linux's limit).
        for (let i = 1; i <= 40; i++) expect(g.symlink(i === 40 ? 'sub/x' : `chain_${i + 1}`, PREOPEN, `chain_${i}`)).to.equal(0);
        expect(g.readFile(PREOPEN, 'chain_1')).to.equal('inside x');
        expect(g.symlink('chain_1', PREOPEN, 'chain_0')).to.equal(0);
        expect(g.readFile(PREOPEN, 'chain_0')).to.equal(`errno ${LOOP}`);
      });
    });

    it('leaves no host fd open: walks close theirs, fd_close closes a directory\'s', async () => {
      const w = await world(engine);
      const g = w.guest;
      const base = openFds();
      const dir = g.open(PREOPEN, 'sub', { directory: true });
      expect(dir.errno).to.equal(0);
      expect(openFds()).to.equal(base + 1);
      for (let i = 0; i < 50; i++) {
        expect(g.readFile(dir.fd, 'child/../child/../x')).to.equal('inside x');
        expect(g.readFile(PREOPEN, 'sub/child/../../esc/x')).to.equal(`errno ${NOTCAPABLE}`);
        expect(g.stat(PREOPEN, 'sub/child/missing/deeper').errno).to.equal(NOENT);
      }
      expect(openFds()).to.equal(base + 1);
      expect(g.close(dir.fd)).to.equal(0);
      expect(openFds()).to.equal(base);
    });
  });
}
