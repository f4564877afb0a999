import { readFileSync } from 'node:fs';
const { parseWat, parseWast, encodeWastModule } = await import(process.env.TEXT ?? '@wasmjit/text');
const { texts, files } = JSON.parse(readFileSync('/tmp/tp/texts.json', 'utf8'));
const mode = process.argv[2] ?? 'modules';
const runs = Number(process.argv[3] ?? 10);
const srcs = files.map((f) => readFileSync(f, 'utf8'));
for (let r = 0; r < runs; r++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  let ok = 0, bad = 0;
  if (mode === 'modules') { for (const t of texts) { try { parseWat(t); ok++; } catch { bad++; } } }
  else { for (const s of srcs) for (const c of parseWast(s)) if ('module' in c && typeof c.module === 'object') { try { encodeWastModule(c.module); ok++; } catch { bad++; } } }
  { const c = process.cpuUsage(c0); console.log(mode, r, (performance.now() - t0).toFixed(1), "ms cpu", ((c.user + c.system) / 1000).toFixed(1), ok, bad); }
}
