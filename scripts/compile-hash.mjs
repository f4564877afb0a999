// Hashes everything the compiler produces for a fixed set of modules, so that a change meant
// to make the compiler faster can be checked to leave its output byte-identical: run it
// before and after, the hashes must match (a deliberate change of the code shows up here too).
//
//   node scripts/compile-hash.mjs [--quick] [--verbose]
//
// Modules: the large packages the benches use (esbuild-wasm, @swc/wasm, and the smaller
// ones installed with the bench package), and every module of the spec suites in
// ../shared (the 2.0 suite and the latest one; SIMD, multi-value, tables, ...). Each is
// compiled single-threaded under several option sets (guard and explicit bounds, SSE and
// AVX, trace comments with offsets, interrupts and fuel). Hashed per configuration: the
// code, function offsets and ends, comments, op offsets, offset map and type-id sites.
// Signature ids are module-local (moduleLocalTypeIds) so that the result does not depend on
// what else the process compiled. Needs a build (tsc -b).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cg = await import(path.join(REPO, 'packages/codegen/dist/index.js'));
const text = await import(path.join(REPO, 'packages/text/dist/index.js'));

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const verbose = args.includes('--verbose');

/** Option sets; the huge modules get the first two only (to keep the run short). */
const CONFIGS = [
  { name: 'guard', opts: { boundsChecks: 'guard', simdAvx: true } },
  { name: 'explicit-sse', opts: { boundsChecks: 'explicit', simdAvx: false } },
  { name: 'trace-offsets', opts: { boundsChecks: 'explicit', simdAvx: true, trace: true, collectOffsets: true } },
  { name: 'interrupts-fuel', opts: { boundsChecks: 'guard', simdAvx: false, epochInterruption: true, hostInterrupts: true, consumeFuel: true, stackChecks: true } },
];

function packageModules() {
  const list = [
    ['esbuild-wasm', 'esbuild.wasm'],
    ['@swc/wasm', 'wasm_bg.wasm'],
    ['sql.js', 'dist/sql-wasm.wasm'],
    ['brotli-wasm', 'pkg.node/brotli_wasm_bg.wasm'],
  ];
  const found = [];
  for (const [pkg, file] of list) {
    if (quick && found.length >= 1) break;
    // The package directory as the bench package sees it (some packages' exports hide
    // package.json from require.resolve).
    const f = path.join(REPO, 'packages/bench/node_modules', pkg, file);
    if (existsSync(f)) found.push({ name: `${pkg}/${file}`, bytes: new Uint8Array(readFileSync(f)) });
    else console.log(`(not installed: ${f})`);
  }
  return found;
}

function specModules() {
  const out = [];
  for (const dir of ['spec', 'spec-latest']) {
    const root = path.resolve(REPO, '../shared', dir);
    if (!existsSync(root)) continue;
    const files = [];
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.wast')) files.push(p);
      }
    };
    walk(root);
    for (const f of files) {
      let cmds;
      try {
        cmds = text.parseWast(readFileSync(f, 'utf8'));
      } catch {
        continue;
      }
      let i = 0;
      for (const c of cmds) {
        if (c.kind !== 'module') continue;
        let bytes;
        try {
          bytes = text.encodeWastModule(c.module);
        } catch {
          continue;
        }
        out.push({ name: `${dir}/${path.relative(root, f)}#${i++}`, bytes });
      }
    }
  }
  return out;
}

function update(h, v) {
  if (v == null) h.update('null;');
  else if (v instanceof Uint8Array) h.update(v);
  else if (ArrayBuffer.isView(v)) h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  else h.update(JSON.stringify(v));
  h.update('|');
}

/** The hash of one compile, or 'error: ...' (a module the compiler rejects must keep doing so). */
function compileHash(bytes, opts) {
  const h = createHash('sha256');
  try {
    const { compiled } = cg.compileModule(bytes.slice(), {}, { ...opts, parallelCompile: false, moduleLocalTypeIds: true });
    update(h, compiled.code);
    update(h, compiled.funcOffsets);
    update(h, compiled.funcEnds);
    update(h, compiled.comments.map((c) => [c.offset, c.text]));
    update(h, compiled.opOffsets);
    update(h, compiled.offsetMap.code);
    update(h, compiled.offsetMap.wasm);
    update(h, compiled.typeIdSites ?? null);
    return h.digest('hex').slice(0, 16);
  } catch (e) {
    return `error: ${e?.constructor?.name}: ${String(e?.message).slice(0, 80)}`;
  }
}

const total = createHash('sha256');
const large = packageModules();
for (const m of large) {
  const huge = m.bytes.length > 4e6;
  for (const c of CONFIGS.slice(0, quick ? 1 : huge ? 2 : CONFIGS.length)) {
    const r = compileHash(m.bytes, c.opts);
    console.log(`${r}  ${m.name} [${c.name}]`);
    total.update(`${m.name}/${c.name}=${r}\n`);
  }
}
if (!quick) {
  const spec = specModules();
  const perConfig = CONFIGS.map(() => createHash('sha256'));
  let errors = 0;
  for (const m of spec) {
    CONFIGS.forEach((c, i) => {
      const r = compileHash(m.bytes, c.opts);
      if (r.startsWith('error')) errors++;
      if (verbose) console.log(`${r}  ${m.name} [${c.name}]`);
      perConfig[i].update(`${m.name}=${r}\n`);
    });
  }
  CONFIGS.forEach((c, i) => {
    const r = perConfig[i].digest('hex').slice(0, 16);
    console.log(`${r}  ${spec.length} spec modules [${c.name}]`);
    total.update(`spec/${c.name}=${r}\n`);
  });
  console.log(`(${errors} spec compiles rejected, hashed as their error)`);
}
console.log(`${total.digest('hex').slice(0, 16)}  TOTAL`);
