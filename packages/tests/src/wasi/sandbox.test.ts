// resolveBeneath: a guest path never resolves outside its directory descriptor, whether it
// tries with `..`, an absolute path, or symlinks (relative, absolute, chained, looping).
import { expect } from 'chai';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Follow, resolveBeneath } from '../../../runtime/dist/wasi/sandbox.js';
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

describe('WASI sandbox: resolveBeneath', () => {
  let outside: string;
  let root: string;
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
  });
  const at = (p: string, follow = Follow.Final) => errnoOf(() => resolveBeneath(root, p, follow));
  const ok = (rel: string) => `ok: ${path.join(root, rel)}`;

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
    expect(at('to_b/', Follow.NotFinal)).to.equal(`${ok('a/b')}/`);
    expect(at('a/b/escape/', Follow.NotFinal)).to.equal(NOTCAPABLE);
  });

  it('reports loops, missing and non-directory intermediate components', () => {
    expect(at('loop1')).to.equal(LOOP);
    expect(at('missing/x')).to.equal(NOENT);
    expect(at('a/file.txt/x')).to.equal(NOTDIR);
    expect(at('')).to.equal(NOENT);
  });
});
