// withBeneath: a guest path never resolves outside its directory descriptor, whether it
// tries with `..`, an absolute path, or symlinks (relative, absolute, chained, looping), and
// the walk leaves no host fd open behind it.
import { expect } from 'chai';
import { closeSync, constants, mkdirSync, openSync, readdirSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Follow, withBeneath } from '../../../runtime/dist/wasi/sandbox.js';
import { WasiError } from '../../../runtime/dist/wasi/errno.js';
import { tempDir } from '../cli/support.js';

const NOTCAPABLE = 76;
const LOOP = 32;
const NOENT = 44;
const NOTDIR = 54;

function errnoOf(f: () => unknown): number | string {
  try {
    return `ok: ${String(f())}`;
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
}

/** This process's open host fds. */
const openFds = () => readdirSync('/proc/self/fd').length;

describe('WASI sandbox: withBeneath', () => {
  let outside: string;
  let root: string;
  let rootFd: number;
  before(() => {
    outside = realpathSync(tempDir());
    root = path.join(outside, 'root');
    mkdirSync(path.join(root, 'a/b'), { recursive: true });
    writeFileSync(path.join(root, 'a/file.txt'), 'x');
    writeFileSync(path.join(outside, 'secret'), 'x');
    symlinkSync('a/b', path.join(root, 'to_b'));
    symlinkSync('../file.txt', path.join(root, 'a/b/up_file'));
    symlinkSync('../../..', path.join(root, 'a/b/escape'));
    symlinkSync(path.join(root, 'a'), path.join(root, 'abs_inside'));
    symlinkSync(path.join(outside, 'secret'), path.join(root, 'abs_outside'));
    symlinkSync('loop2', path.join(root, 'loop1'));
    symlinkSync('loop1', path.join(root, 'loop2'));
    rootFd = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY);
  });
  after(() => closeSync(rootFd));
  // The host path the result stands for: its directory's current path, and the entry's name.
  const at = (p: string, follow = Follow.Final) => errnoOf(() => withBeneath(rootFd, p, follow, (b) => {
    const dir = readlinkSync(`/proc/self/fd/${b.parentFd}`);
    return b.name === '.' ? dir : `${dir}/${b.name}`;
  }));
  const ok = (rel: string) => `ok: ${path.join(root, rel)}`.replace(/(.)\/$/, '$1');

  it('resolves plain paths, `.` and `..` that stay inside', () => {
    expect(at('a/file.txt')).to.equal(ok('a/file.txt'));
    expect(at('./a/./b/../file.txt')).to.equal(ok('a/file.txt'));
    expect(at('a/..')).to.equal(ok(''));
    expect(at('.')).to.equal(ok(''));
    expect(at('new.txt')).to.equal(ok('new.txt')); // a file to be created
  });

  it('refuses `..` above the root and absolute paths', () => {
    expect(at('..')).to.equal(NOTCAPABLE);
    expect(at('../root/a')).to.equal(NOTCAPABLE);
    expect(at('a/../../secret')).to.equal(NOTCAPABLE);
    expect(at('/etc/passwd')).to.equal(NOTCAPABLE);
  });

  it('follows symlinks that stay inside, refuses those that leave', () => {
    expect(at('to_b/up_file')).to.equal(ok('a/file.txt'));
    expect(at('to_b/..')).to.equal(ok('a')); // `..` of the link's target, not of the link
    expect(at('abs_inside/file.txt')).to.equal(ok('a/file.txt'));
    expect(at('a/b/escape')).to.equal(NOTCAPABLE);
    expect(at('a/b/escape/secret')).to.equal(NOTCAPABLE);
    expect(at('abs_outside')).to.equal(NOTCAPABLE);
  });

  it('leaves a final symlink alone with Follow.NotFinal, unless the path ends in a slash', () => {
    expect(at('abs_outside', Follow.NotFinal)).to.equal(ok('abs_outside'));
    expect(at('to_b', Follow.NotFinal)).to.equal(ok('to_b'));
    expect(at('to_b/', Follow.NotFinal)).to.equal(ok('a/b'));
    expect(at('a/b/escape/', Follow.NotFinal)).to.equal(NOTCAPABLE);
  });

  it('reports loops, missing and non-directory intermediate components', () => {
    expect(at('loop1')).to.equal(LOOP);
    expect(at('missing/x')).to.equal(NOENT);
    expect(at('a/file.txt/x')).to.equal(NOTDIR);
    expect(at('')).to.equal(NOENT);
  });

  it('closes every host fd it opened, on success and on refusal', () => {
    const before = openFds();
    for (const p of ['a/b/up_file', 'to_b/..', 'abs_inside/file.txt', 'a/b/escape/secret', 'loop1', 'a/file.txt/x']) at(p);
    expect(openFds()).to.equal(before);
  });
});
