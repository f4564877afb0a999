// pyodide (CPython 3.12 for the web, a 10 MB emscripten module built with wasm exception
// handling, its standard library unpacked from a zip at start): Python programs over generated
// text and numbers — counting, regular expressions, JSON, big integers, fractions and decimals,
// hashlib and zlib, sorting and grouping — each result returned to JS as a string.
// It needs exception handling (its tag section) and, at load, a shared WebAssembly.Memory made
// from JS (its Atomics.wait sleep): docs/exceptions.md, docs/atomics.md.
import { prose } from '../inputs.js';
import { scenario } from '../scenario.js';

/** The part of pyodide's API used here. */
interface Pyodide {
  runPython(code: string): unknown;
  globals: { set(name: string, value: unknown): void };
}

export const TEXT_BYTES = 32 * 1024;

const PROGRAM = `
import collections, decimal, fractions, hashlib, itertools, json, math, re, zlib

def word_counts(text):
    words = re.findall(r"[a-z']+", text.lower())
    top = collections.Counter(words).most_common()
    top.sort(key=lambda wn: (-wn[1], wn[0]))
    return "\\n".join(f"{w} {n}" for w, n in top[:25])

def primes(limit):
    sieve = bytearray([1]) * (limit + 1)
    sieve[0] = sieve[1] = 0
    for i in range(2, math.isqrt(limit) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytearray(len(range(i * i, limit + 1, i)))
    found = [i for i, p in enumerate(sieve) if p]
    return f"{len(found)} primes below {limit}; last {found[-5:]}; sum {sum(found)}"

def numbers():
    f = math.factorial(400)
    harmonic = sum(fractions.Fraction(1, k) for k in range(1, 60))
    decimal.getcontext().prec = 60
    root2 = decimal.Decimal(2).sqrt()
    floats = [math.sin(k) * math.exp(k / 50) for k in range(40)]
    return "\\n".join([
        f"400! has {len(str(f))} digits, digit sum {sum(map(int, str(f)))}, mod 1e9+7 = {f % 1_000_000_007}",
        f"H(59) = {harmonic.numerator}/{harmonic.denominator}",
        f"sqrt(2) = {root2}",
        f"floats {sum(floats)!r} {max(floats)!r} {math.fsum(floats)!r}",
        f"2**521-1 prime-ish: {pow(3, 2**521 - 2, 2**521 - 1) == 1}",
    ])

def records():
    items = [{"id": i, "name": f"item-{(i * 7919) % 1000}", "price": ((i * 37) % 1000) / 10,
              "tags": [t for k, t in enumerate(["red", "green", "blue", "small", "large"]) if (i >> k) & 1]}
             for i in range(1, 401)]
    out = []
    keyf = lambda it: len(it["tags"])
    for size, group in itertools.groupby(sorted(items, key=keyf), key=keyf):
        group = list(group)
        top = sorted(group, key=lambda it: (-it["price"], it["name"]))[:3]
        mean = sum(it["price"] for it in group) / len(group)
        out.append(f"{size} tags: {len(group)} items, mean {mean:.3f}, top " + " ".join(f"{it['name']}@{it['price']:.2f}" for it in top))
    text = json.dumps(items[:40], sort_keys=True)
    back = json.loads(text)
    out.append(f"json {len(text)} bytes, same {back == items[:40]}")
    return "\\n".join(out)

def digests(text):
    data = text.encode()
    packed = zlib.compress(data, 9)
    return "\\n".join([
        f"sha256 {hashlib.sha256(data).hexdigest()}",
        f"md5 {hashlib.md5(data).hexdigest()}",
        f"zlib {len(data)} -> {len(packed)} bytes, crc32 {zlib.crc32(data)}, round trip {zlib.decompress(packed) == data}",
    ])
`;

export default scenario({
  name: 'pyodide',
  pkg: 'pyodide',
  what: `CPython 3.12 (10 MB of wasm with exception handling): word counts of ${TEXT_BYTES / 1024} KiB of text, primes, big numbers, records, JSON, hashlib, zlib`,
  timed: true,
  async load() {
    const { loadPyodide } = (await import('pyodide')) as unknown as { loadPyodide: () => Promise<Pyodide> };
    const py = await loadPyodide();
    py.runPython(PROGRAM);
    return py;
  },
  async run(py) {
    py.globals.set('TEXT', prose(47, TEXT_BYTES));
    const call = (code: string) => `${String(py.runPython(code))}\n`;
    return {
      'words.txt': call('word_counts(TEXT)'),
      'primes.txt': call('primes(300_000)'),
      'numbers.txt': call('numbers()'),
      'records.txt': call('records()'),
      'digests.txt': call('digests(TEXT)'),
      'version.txt': call('import sys; f"{sys.version_info[:3]} {sys.platform}"'),
    };
  },
});
