// The committed C programs (fixtures/wasi/*.c, built with clang + wasi-libc) run by
// `wasmjit run` and by Node's node:wasi, each in a fresh copy of the same directory tree:
// same stdout, stderr, exit code, and the same files afterwards.
//
// Each case runs twice on our side: on wasmjit (the JIT and our WASI), and with
// `--engine v8` (our WASI on V8), which tells a WASI bug from a JIT bug.
import { expect } from 'chai';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixture, nodeWasi, nodeWasiHooked, snapshotTree, tempDir, wasmjit, type Result } from '../cli/support.js';

interface Case {
  program: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
  /** Builds the tree: `root/box` is preopened as /sandbox, `root` itself is not. */
  setup?: (root: string) => void;
  /** Where node:wasi is known to be wrong: what we print instead (see the case). */
  fixNode?: (stdout: string) => string;
}

const CASES: Case[] = [
  {
    program: 'copy_upper',
    setup: (root) => writeFileSync(path.join(root, 'box/in.txt'), 'first line\nsecond, with ünïcödé\n\tthird\n'),
  },
  {
    program: 'args_env',
    args: ['42', 'two words', 'ünïcödé', ''],
    env: { GREETING: 'hello there', EMPTY: '', PATHS: 'a=b:c' },
  },
  { program: 'fs_ops' },
  {
    program: 'clocks_random',
    // node:wasi sleeps on a libuv timer, whose loop clock has millisecond resolution: about
    // one run in 40 here it wakes a fraction of a millisecond before the 30 ms are up. Our
    // poll_oneoff sleeps until the monotonic deadline has passed, so we must print 1.
    fixNode: (out) => out.replace(/^slept at least 30ms: 0$/m, 'slept at least 30ms: 1'),
  },
  {
    program: 'list_dir',
    // ~400 entries with long names: many fd_readdir pages of wasi-libc's 4 KiB buffer.
    setup: (root) => {
      for (const d of ['alpha', 'beta', 'beta/gamma']) mkdirSync(path.join(root, 'box', d));
      for (let i = 0; i < 400; i++) {
        const dir = ['alpha', 'beta', 'beta/gamma', ''][i % 4]!;
        writeFileSync(path.join(root, 'box', dir, `file-with-a-fairly-long-name-${String(i).padStart(4, '0')}.txt`), 'x'.repeat(i));
      }
    },
  },
  { program: 'stdin_upper', stdin: 'line one\nline two\nno newline at the end' },
  {
    program: 'escape',
    setup: (root) => {
      writeFileSync(path.join(root, 'secret.txt'), 'secret\n');
      writeFileSync(path.join(root, 'box/inside.txt'), 'inside\n');
      mkdirSync(path.join(root, 'box/sub'));
      symlinkSync('inside.txt', path.join(root, 'box/link_inside'));
      symlinkSync('../secret.txt', path.join(root, 'box/link_out'));
      symlinkSync('../..', path.join(root, 'box/sub/link_up'));
    },
    // node:wasi opens a final symlink even without LOOKUP_SYMLINK_FOLLOW, and so reads
    // the file outside the preopen; we refuse with ELOOP (32), as O_NOFOLLOW does.
    fixNode: (out) => out.replace(/^(link_out +)ok: secret$/m, '$1errno 32'),
  },
];

function runIn(c: Case, run: (args: string[], o: { cwd: string; input?: string }) => Result, extra: string[]) {
  const root = tempDir('wasmjit-wasi-');
  mkdirSync(path.join(root, 'box'));
  c.setup?.(root);
  const args = [
    ...extra,
    '--dir', 'box::/sandbox',
    ...Object.entries(c.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    fixture(c.program),
    ...(c.args ?? []),
  ];
  const result = run(args, { cwd: root, input: c.stdin });
  return { result, files: snapshotTree(path.join(root, 'box')) };
}

describe('WASI programs: wasmjit run (and node:wasi under the register hook) vs node:wasi', function () {
  this.timeout(120_000);
  for (const c of CASES) {
    let reference: ReturnType<typeof runIn>;
    before(() => {
      reference = runIn(c, nodeWasi, []);
      if (c.fixNode) reference.result.stdout = c.fixNode(reference.result.stdout);
    });
    for (const engine of ['wasmjit', 'v8'] as const) {
      it(`${c.program} on ${engine}: same output, exit code and files`, () => {
        const ours = runIn(c, (a, o) => wasmjit(['run', ...a], o), engine === 'v8' ? ['--engine', 'v8'] : []);
        expect(ours.result.stderr).to.equal(reference.result.stderr);
        expect(ours.result.stdout).to.equal(reference.result.stdout);
        expect(ours.result.status).to.equal(reference.result.status);
        expect(ours.files).to.deep.equal(reference.files);
      });
    }
    // The reference program itself, unchanged, under the register hook: node:wasi is then
    // wasmjit's WASI over wasmjit's instance (runtime/src/node-wasi.ts).
    it(`${c.program} with node:wasi under the register hook: same output, exit code and files`, () => {
      const ours = runIn(c, nodeWasiHooked, []);
      expect(ours.result.stderr).to.equal(reference.result.stderr);
      expect(ours.result.stdout).to.equal(reference.result.stdout);
      expect(ours.result.status).to.equal(reference.result.status);
      expect(ours.files).to.deep.equal(reference.files);
    });
  }

  it('the copy program reads a preopened file and writes another, byte for byte as node:wasi', () => {
    const c = CASES[0]!;
    const ours = runIn(c, (a, o) => wasmjit(['run', ...a], o), []);
    expect(ours.result.status).to.equal(3); // lines read, mod 256
    expect(Buffer.from(ours.files['out.txt']!, 'hex').toString()).to.equal(
      'FIRST LINE\nSECOND, WITH üNïCöDé\n\tTHIRD\n-- 43 bytes, 3 lines\n',
    );
  });
});
