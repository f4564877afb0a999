// sql.js (SQLite compiled with Emscripten): 10,000 inserts through a prepared statement,
// aggregates, a window function, and JS functions called from SQL (a scalar and an
// aggregate), then the whole database file as sql.js exports it.
import { createRequire } from 'node:module';
import { below, prng, word } from '../inputs.js';
import { scenario } from '../scenario.js';

const require = createRequire(import.meta.url);

/** The part of sql.js's API used here (the package ships no types). */
interface SqlValue { toString(): string }
interface QueryResult { columns: string[]; values: (SqlValue | null)[][] }
interface Statement { run(params: unknown[]): void; free(): void }
interface Database {
  run(sql: string): void;
  exec(sql: string): QueryResult[];
  prepare(sql: string): Statement;
  create_function(name: string, fn: (...args: never[]) => unknown): void;
  create_aggregate(name: string, fns: { init: () => unknown; step: (state: never, ...args: never[]) => unknown; finalize: (state: never) => unknown }): void;
  export(): Uint8Array;
  close(): void;
}
interface SqlJs { Database: new () => Database }

export const ROWS = 10_000;

const QUERIES = [
  'SELECT COUNT(*), SUM(qty), TOTAL(price), MIN(price), MAX(price), AVG(price) FROM orders',
  'SELECT region, COUNT(*) AS n, SUM(qty * price) AS revenue, AVG(qty) FROM orders GROUP BY region ORDER BY region',
  'SELECT customer, SUM(qty) AS q FROM orders GROUP BY customer HAVING q > 40 ORDER BY q DESC, customer LIMIT 20',
  'SELECT region, js_band(price), COUNT(*) FROM orders GROUP BY 1, 2 ORDER BY 1, 2',
  'SELECT region, js_geomean(price), group_concat(DISTINCT js_band(price)) FROM orders GROUP BY region ORDER BY region',
  'SELECT id, qty, SUM(qty) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM orders WHERE id % 997 = 0 ORDER BY id',
  "SELECT substr(note, 1, 12), length(note), upper(customer), printf('%.4f', price) FROM orders WHERE note LIKE '%tree%' ORDER BY id LIMIT 25",
  'SELECT typeof(payload), length(payload), hex(substr(payload, 1, 4)) FROM orders ORDER BY id DESC LIMIT 5',
];

export default scenario({
  name: 'sql.js',
  pkg: 'sql.js',
  what: `${ROWS.toLocaleString('en')} inserts, aggregates, a window function, JS functions called from SQL, export`,
  timed: true,
  async load() {
    const initSqlJs = require('sql.js') as () => Promise<SqlJs>;
    return initSqlJs();
  },
  async run(SQL) {
    const db = new SQL.Database();
    try {
      // JS called from SQL: a scalar and an aggregate, both deterministic.
      db.create_function('js_band', (price: number) => (price < 10 ? 'low' : price < 100 ? 'mid' : 'high'));
      db.create_aggregate('js_geomean', {
        init: () => ({ log: 0, n: 0 }),
        step: (s: { log: number; n: number }, x: number) => ({ log: s.log + Math.log(x), n: s.n + 1 }),
        finalize: (s: { log: number; n: number }) => Math.exp(s.log / s.n).toFixed(6),
      });
      db.run(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, region TEXT, qty INTEGER,
        price REAL, note TEXT, payload BLOB)`);
      db.run('CREATE INDEX orders_customer ON orders(customer)');
      const rnd = prng(0x5eed);
      const insert = db.prepare('INSERT INTO orders (customer, region, qty, price, note, payload) VALUES (?, ?, ?, ?, ?, ?)');
      db.run('BEGIN');
      for (let i = 0; i < ROWS; i++) {
        const payload = new Uint8Array(4 + below(rnd, 12)).map(() => below(rnd, 256));
        insert.run([`c${below(rnd, 300)}`, ['north', 'south', 'east', 'west'][below(rnd, 4)], 1 + below(rnd, 9),
          Math.round(rnd() * 50_000) / 100, `${word(rnd)} ${word(rnd)} ${word(rnd)}`, payload]);
      }
      db.run('COMMIT');
      insert.free();
      db.run("UPDATE orders SET qty = qty + 1 WHERE region = 'east' AND id % 7 = 0");
      db.run('DELETE FROM orders WHERE id % 101 = 0');
      const results = QUERIES.map((sql) => ({ sql, result: db.exec(sql) }));
      return {
        'queries.json': `${JSON.stringify(results, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v), 1)}\n`,
        'database.sqlite': db.export(),
      };
    } finally {
      db.close();
    }
  },
});
