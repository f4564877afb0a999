// The JavaScript program the quickjs-emscripten scenario evaluates inside QuickJS: a bit of
// everything QuickJS implements in C (sorting, JSON, regexps, libm, number formatting,
// BigInt, Unicode, generators, classes, collections, typed arrays, promises) plus calls out
// to a host function. Its result is one line per check.
export const QUICKJS_PROGRAM = String.raw`
const out = [];
const a = [];
for (let i = 0; i < 20000; i++) a.push((i * 7919) % 10007);
a.sort((x, y) => x - y);
out.push(a.slice(0, 8).join(), a.length, a[a.length - 1]);
const obj = { list: a.slice(0, 200).map((n) => ({ n, s: n.toString(36), f: n / 7 })) };
const json = JSON.stringify(JSON.parse(JSON.stringify(obj)));
out.push(json.length, json.slice(0, 80));
out.push('The quick brown fox 123 jumps 456 over 7'.replace(/(\w+) (\d+)/g, '$2-$1'));
out.push(/(?<y>\d{4})-(?<m>\d\d)-(?<d>\d\d)/u.exec('on 2024-05-17!').groups.m, /^[\p{L}]+$/u.test('Größe'));
out.push([Math.sin(1e6), Math.cos(-0.5), Math.exp(-3.7), Math.pow(2.5, 7.25), Math.atan2(3, -4), Math.cbrt(1234.5),
  Math.log1p(1e-9), Math.expm1(1e-5), Math.hypot(3, 4, 12), Math.tanh(0.3), Math.fround(1.1)].join());
out.push((0.1 + 0.2).toString(), (1e21).toString(), (123.456).toFixed(10), (5e-324).toString(),
  (2 ** 53 + 1).toPrecision(20), (-1.5e-7).toExponential(3), (255).toString(2), parseFloat('3.14e-2x'));
out.push((2n ** 521n - 1n).toString(16).slice(-24), (12345678901234567890n * 98765432109876543210n % 1000000007n).toString(),
  BigInt.asIntN(64, 2n ** 63n).toString());
out.push('straße'.toUpperCase(), 'ǅ'.normalize('NFKD').length, [...'a😀b'].length, 'abc'.localeCompare('abd'), 'x'.padStart(5, 'ab'));
function* squares(n) { for (let i = 0; i < n; i++) yield i * i; }
out.push([...squares(12)].join());
try { null.x; } catch (e) { out.push(e instanceof TypeError, e.message); }
class Point { #v; constructor(v) { this.#v = v; } get v() { return this.#v; } static of(v) { return new Point(v); } }
class Point3 extends Point { constructor(v, z) { super(v); this.z = z; } sum() { return this.v + this.z; } }
out.push(new Point3(5, 6).sum(), Object.keys(new Point3(1, 2)).join());
const m = new Map();
for (let i = 0; i < 5000; i++) m.set('k' + (i % 37), i);
out.push(m.size, m.get('k5'), new Set(a).size);
const ta = new Float64Array(5000).map((_, i) => Math.sqrt(i));
out.push(ta.reduce((s, x) => s + x, 0));
const dv = new DataView(new ArrayBuffer(8));
dv.setFloat64(0, Math.PI);
out.push(dv.getUint32(0).toString(16), dv.getUint32(4).toString(16));
let primes = 0;
for (let n = 2; n < 30000; n++) { let p = true; for (let d = 2; d * d <= n; d++) if (n % d === 0) { p = false; break; } if (p) primes++; }
out.push(primes);
let fromHost = 0;
for (let i = 0; i < 500; i++) fromHost = hostMix(fromHost, i);
out.push(fromHost);
let settled = 'pending';
Promise.all([1, 2, 3].map((x) => Promise.resolve(x * 2))).then((v) => { settled = v.join('+'); });
globalThis.result = () => [...out, settled].join('\n');
`;
