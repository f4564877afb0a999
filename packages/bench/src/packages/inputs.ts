// Inputs for the package scenarios, generated from a seed: the same bytes on every run, in
// every engine, with nothing downloaded. Pure functions (exported for the tests).

/** mulberry32: a tiny seeded PRNG giving numbers in [0, 1); one seed, one sequence. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function below(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}

export function randomBytes(seed: number, length: number): Uint8Array {
  const rnd = prng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = below(rnd, 256);
  return out;
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'value', 'count', 'index', 'item', 'node', 'tree', 'leaf', 'path',
  'user', 'order', 'price', 'total', 'cache', 'store', 'queue', 'event', 'state', 'frame', 'token', 'chunk'];

/** A made-up word: a dictionary word, sometimes with a number (compressible, not trivial). */
export function word(rnd: () => number): string {
  const w = WORDS[below(rnd, WORDS.length)]!;
  return rnd() < 0.3 ? `${w}${below(rnd, 1000)}` : w;
}

/** Roughly `bytes` characters of text made of lines of words (input for the compressors). */
export function prose(seed: number, bytes: number): string {
  const rnd = prng(seed);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const n = 3 + below(rnd, 12);
    const line = Array.from({ length: n }, () => word(rnd)).join(' ');
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * One unit of TypeScript: a mix of the constructs transpilers handle (types to erase, enums,
 * namespaces, parameter properties, accessors, async functions, generics, optional chaining,
 * destructuring, spread, template literals, classes with static blocks, `satisfies`).
 */
function typescriptUnit(rnd: () => number, i: number): string {
  const n = `${cap(word(rnd).replace(/\d+$/, ''))}${i}`;
  const k = below(rnd, 1000);
  const parts = [
    `export interface ${n}Shape<T = number> { id: T; label?: string; readonly tags: string[]; nested?: { depth: number } }`,
    `export type ${n}Key = keyof ${n}Shape | \`${word(rnd)}_\${number}\`;`,
    `export enum ${n}Kind { First = ${k}, Second, Third = "${word(rnd)}" }`,
    `export class ${n}<T extends { id: number }> implements ${n}Shape<number> {`,
    `  static count = ${k};`,
    `  static { ${n}.count += ${below(rnd, 10)}; }`,
    `  readonly tags: string[] = ["${word(rnd)}", "${word(rnd)}"];`,
    `  #secret = ${k} * 2;`,
    `  constructor(public id: number, private items: T[] = [], protected label?: string) {}`,
    `  get size(): number { return this.items.length + this.#secret; }`,
    `  find(id: number): T | undefined { return this.items.find((x) => x.id === id) ?? undefined; }`,
    `  async total(scale = ${below(rnd, 9) + 1}): Promise<number> {`,
    `    let sum = 0;`,
    `    for (const { id } of this.items) sum += id * scale;`,
    `    await Promise.resolve();`,
    `    return sum + (this.label?.length ?? 0);`,
    `  }`,
    `  describe(): string { return \`${n}(\${this.id}, \${this.items.length}) \${${n}Kind[${n}Kind.Second]}\`; }`,
    `}`,
    `export namespace ${n}Util {`,
    `  export const limit = ${k} as const;`,
    `  export function merge<A extends object, B extends object>(a: A, b: B): A & B { return { ...a, ...b }; }`,
    `  export function pick<T, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {`,
    `    const out = {} as Pick<T, K>;`,
    `    for (const key of keys) out[key] = o[key];`,
    `    return out;`,
    `  }`,
    `}`,
    `export const ${n.toLowerCase()}Config = { name: "${word(rnd)}", retries: ${below(rnd, 5)}, ratio: ${(rnd() * 10).toFixed(3)} } satisfies Record<string, string | number>;`,
    `export function ${n.toLowerCase()}Run([first, ...rest]: number[], { factor = ${below(rnd, 7) + 1} }: { factor?: number } = {}): number {`,
    `  const doubled = rest.map((v, j) => (v << 1) + j * factor);`,
    `  return doubled.reduce((a, b) => a + b, first ?? 0) ${rnd() < 0.5 ? '>>> 0' : '| 0'};`,
    `}`,
  ];
  return parts.join('\n');
}

/** A large TypeScript file of `units` units (about 1.6 KB each). */
export function typescriptSource(seed: number, units: number): string {
  const rnd = prng(seed);
  const out: string[] = [`// generated: seed ${seed}, ${units} units`];
  for (let i = 0; i < units; i++) out.push(typescriptUnit(rnd, i));
  return `${out.join('\n\n')}\n`;
}

/**
 * `count` TypeScript modules that import each other (module i imports two modules after it,
 * chosen by the seed) for a bundler; module 0 is the entry. Each exports a used function and
 * an unused one (for tree shaking). Keys are paths like `/src/m3.ts`.
 */
export function moduleGraph(seed: number, count: number): Map<string, string> {
  const rnd = prng(seed);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const deps = i + 1 < count ? [...new Set([i + 1, i + 1 + below(rnd, count - i - 1)])] : [];
    const imports = deps.map((d) => `import { f${d} } from './m${d}';`).join('\n');
    const calls = deps.map((d) => `f${d}(n - 1)`).join(' + ') || '1';
    files.set(`/src/m${i}.ts`, [
      imports,
      `export const name${i}: string = "${word(rnd)}";`,
      `export function f${i}(n: number): number { return n <= 0 ? ${i} : (${calls}) % ${1000 + below(rnd, 9000)}; }`,
      `export function unused${i}(x: string): string { return x.repeat(${below(rnd, 5) + 1}) + name${i}; }`,
      '',
    ].join('\n'));
  }
  return files;
}
