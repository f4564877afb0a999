// `pnpm pack:all`: writes the publishable tarballs (@wasmjit/native, @wasmjit/codegen, @wasmjit/text,
// @wasmjit/runtime) to --out DIR (default: packs/), from what the last `pnpm build` made,
// and prints each one's packed and unpacked size. `pnpm pack` turns the repository's
// `workspace:*` dependencies into the real versions; this script then checks the packed
// manifests and file lists, so a tarball that would not install or would ship a stale or
// test-only file is an error here rather than a user's surprise.
//   node scripts/pack.mjs [--out DIR] [--json]
// --json prints [{ name, version, file, packedBytes, unpackedBytes, files }] instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** Packed in this order; each one's workspace dependencies come before it. */
const PACKAGES = ['native', 'packages/codegen', 'packages/text', 'packages/runtime'];

function parseArgs(argv) {
  const o = { out: path.join(root, 'packs'), json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) o.out = path.resolve(argv[++i]);
    else if (argv[i] === '--json') o.json = true;
    else throw new Error(`pack: unknown argument ${argv[i]} (usage: node scripts/pack.mjs [--out DIR] [--json])`);
  }
  return o;
}

/** pnpm as the repository pins it: the running one when invoked through pnpm, else via npx. */
function pnpmCommand() {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(path.basename(exec))) return [process.execPath, [exec]];
  const pinned = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager;
  return ['npx', ['--yes', pinned]];
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The first JSON value in pnpm's output (lifecycle scripts may print before it). */
function parseJson(text) {
  const start = text.search(/^[[{]/m);
  if (start < 0) throw new Error(`pack: no JSON in pnpm pack output:\n${text}`);
  return JSON.parse(text.slice(start));
}

/** Reads one file's bytes out of a .tgz (via tar, which every Linux has). */
function tarFile(tgz, member) {
  return run('tar', ['-xzOf', tgz, `package/${member}`], path.dirname(tgz));
}

/** The regular files in a .tgz with their sizes, from `tar -tv` (pnpm's --json list omits the LICENSE it adds). */
function tarList(tgz) {
  const entries = [];
  for (const line of run('tar', ['-tvzf', tgz], path.dirname(tgz)).split('\n')) {
    const m = /^-\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+package\/(.+)$/.exec(line);
    if (m) entries.push({ path: m[2], size: Number(m[1]) });
  }
  return entries.sort((x, y) => (x.path < y.path ? -1 : 1));
}

/**
 * dist/ files that no src/ file compiles to, made by scripts/bundle.mjs in `pnpm build`: the
 * runtime's bundles (entry points, command, worker scripts) and the entry files its published
 * exports point at.
 */
const GENERATED = { 'packages/runtime': /^(wasmjit-bundle\.js|wasmjit-cli\.js|(entry|workers)\/[\w-]+\.js)$/ };
const generated = (dir, rel) => GENERATED[dir]?.test(rel.split(path.sep).join('/')) ?? false;

/** Problems with a packed package: the manifest and the file list. */
function check(dir, manifest, files, versions) {
  const problems = [];
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
      if (spec.startsWith('workspace:')) problems.push(`${field}.${dep} is still ${spec}`);
      else if (versions.has(dep) && spec !== versions.get(dep)) problems.push(`${field}.${dep} is ${spec}, the workspace has ${versions.get(dep)}`);
    }
  }
  if (manifest.private) problems.push('"private": true (npm would refuse to publish it)');
  if (manifest.license === undefined) problems.push('no "license"');
  if (!files.includes('README.md')) problems.push('no README.md');
  if (!files.some((f) => /^LICEN[CS]E/i.test(f))) problems.push('no LICENSE file');
  for (const f of files) {
    if (/\.map$|(^|\/)(src|test|tests|fixtures)\/|\.test\.|\.stress\./.test(f)) problems.push(`ships ${f}, which does not run`);
    // pruneStale removed these; a dist file without its source would be dead code shipped.
    const m = /^dist\/(.+)\.(js|d\.ts)$/.exec(f);
    if (m && !generated(dir, `${m[1]}.${m[2]}`) && !existsSync(path.join(root, dir, 'src', `${m[1]}.ts`))) problems.push(`ships ${f}, whose src/${m[1]}.ts is gone (stale build output: delete dist/ and rebuild)`);
  }
  return problems;
}

/**
 * Deletes dist/ outputs whose src/ source is gone: tsc -b never removes the outputs of a
 * deleted or renamed source, and the `files` globs would ship them. Returns what it deleted.
 */
function pruneStale(dir) {
  const dist = path.join(root, dir, 'dist');
  const pruned = [];
  for (const rel of readdirSync(dist, { recursive: true })) {
    const m = /^(.+?)(\.d\.ts|\.js|\.js\.map|\.d\.ts\.map)$/.exec(rel);
    if (m && !generated(dir, rel) && !existsSync(path.join(root, dir, 'src', `${m[1]}.ts`))) {
      unlinkSync(path.join(dist, rel));
      pruned.push(path.join(dir, 'dist', rel));
    }
  }
  return pruned;
}

function displayPath(file) {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(opts.out, { recursive: true });
  const [pnpm, pnpmArgs] = pnpmCommand();
  run(process.execPath, [path.join(root, 'native', 'scripts', 'stage-prebuild.cjs')], root);
  const versions = new Map(PACKAGES.map((dir) => {
    const m = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    return [m.name, m.version];
  }));
  const results = [];
  for (const dir of PACKAGES) {
    const cwd = path.join(root, dir);
    if (dir.startsWith('packages/') && !existsSync(path.join(cwd, 'dist', 'index.js'))) {
      throw new Error(`pack: ${dir}/dist is missing: run pnpm build first (pnpm pack:all does)`);
    }
    if (dir.startsWith('packages/')) {
      for (const f of pruneStale(dir)) console.error(`pack: deleted ${f}: its source is gone`);
    }
    const info = parseJson(run(pnpm, [...pnpmArgs, 'pack', '--json', '--pack-destination', opts.out], cwd));
    const file = path.resolve(opts.out, path.basename(info.filename));
    const entries = tarList(file);
    const files = entries.map((e) => e.path);
    const manifest = JSON.parse(tarFile(file, 'package.json'));
    const problems = check(dir, manifest, files, versions);
    if (problems.length > 0) throw new Error(`pack: ${manifest.name} is not publishable:\n  ${problems.join('\n  ')}`);
    const unpackedBytes = entries.reduce((n, e) => n + e.size, 0);
    results.push({ name: manifest.name, version: manifest.version, file, packedBytes: statSync(file).size, unpackedBytes, files });
  }
  if (opts.json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const r of results) {
    console.log(`${r.name}@${r.version}  ${displayPath(r.file)}  packed ${kb(r.packedBytes)}, unpacked ${kb(r.unpackedBytes)}, ${r.files.length} files`);
  }
  const total = (k) => results.reduce((n, r) => n + r[k], 0);
  console.log(`total  packed ${kb(total('packedBytes'))}, unpacked ${kb(total('unpackedBytes'))}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
