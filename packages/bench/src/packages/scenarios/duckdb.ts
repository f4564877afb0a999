// DuckDB-wasm (the DuckDB engine built with emscripten: a 39 MB module that links itself
// dynamically at start, growing its function table and creating a WebAssembly.Global per
// symbol) through its synchronous Node build: tables made with range(), aggregates, window
// functions, a join, string and list functions, and a CSV written and read back in its
// in-memory file system. duckdb-eh.ts runs the same on the exception-handling build.
import { createRequire } from 'node:module';
import path from 'node:path';
import { scenario } from '../scenario.js';

const require = createRequire(import.meta.url);

/** The part of @duckdb/duckdb-wasm's blocking API used here. */
interface Row { toJSON(): Record<string, unknown> }
interface Connection {
  query(sql: string): { toArray(): Row[] };
  close(): void;
}
interface DuckDB {
  instantiate(progress: () => void): Promise<unknown>;
  connect(): Connection;
}
interface DuckDBApi {
  VoidLogger: new () => unknown;
  NODE_RUNTIME: unknown;
  createDuckDB(bundles: object, logger: unknown, runtime: unknown): Promise<DuckDB>;
  getPlatformFeatures(): Promise<{ wasmExceptions: boolean }>;
}

export const QUERIES: Record<string, string> = {
  'version.txt': 'SELECT version() AS v',
  'groups.txt': `SELECT i % 7 AS k, count(*) AS n, sum(i) AS s, avg(i * 1.5) AS a, min(i) AS lo, max(i) AS hi
    FROM range(200000) t(i) GROUP BY k ORDER BY k`,
  'window.txt': `SELECT i, sum(i) OVER (ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s3,
    rank() OVER (PARTITION BY i % 3 ORDER BY i DESC) AS r, lag(i, 2) OVER (ORDER BY i) AS l
    FROM range(40) t(i) ORDER BY i`,
  'join.txt': `WITH a AS (SELECT i AS id, 'name-' || i AS name FROM range(1000) t(i)),
    b AS (SELECT i % 1000 AS id, i * 3 AS amount FROM range(5000) t(i))
    SELECT a.name, count(*) AS n, sum(b.amount) AS total FROM a JOIN b USING (id)
    WHERE a.id % 97 = 0 GROUP BY a.name ORDER BY total DESC, a.name LIMIT 12`,
  'strings.txt': `SELECT upper(s) AS u, length(s) AS n, reverse(s) AS r, regexp_replace(s, '[aeiou]', '*', 'g') AS v,
    string_split(s, 'a') AS parts, md5(s) AS h
    FROM (VALUES ('banana'), ('avocado'), ('duckdb in wasm'), ('héllo wörld')) v(s) ORDER BY s`,
  'lists.txt': `SELECT list_sort([5, 3, 9, 1, 7]) AS sorted, list_aggregate([1, 2, 3, 4], 'sum') AS total,
    [x * x FOR x IN range(6)] AS squares, struct_pack(a := 1, b := 'two') AS st`,
  'decimals.txt': `SELECT sum(CAST(i AS DECIMAL(18, 3)) / 7) AS d, stddev_pop(i) AS sd, corr(i, i * i) AS c,
    quantile_cont(i, 0.9) AS q FROM range(10000) t(i)`,
  'csv.txt': `SELECT * FROM read_csv('/scenario.csv', header = true) ORDER BY id`,
};

/** A value as text (BigInt and nested values included), for comparing bytes. */
function text(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** Which of the package's builds: 'mvp' (C++ exceptions through JS) or 'eh' (wasm exception handling). */
export type DuckDBBuild = 'mvp' | 'eh';

/**
 * Opens DuckDB on `build`. The package chooses its bundle itself (createDuckDB takes the EH
 * one when WebAssembly has exception handling), so 'eh' also checks that it did.
 */
export async function openDuckDB(build: DuckDBBuild): Promise<Connection> {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs') as DuckDBApi;
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
  const bundle = (b: DuckDBBuild) => ({ mainModule: path.join(dist, `duckdb-${b}.wasm`), mainWorker: path.join(dist, `duckdb-node-${b}.worker.cjs`) });
  const bundles: Record<string, object> = { mvp: bundle('mvp') };
  if (build === 'eh') {
    if (!(await duckdb.getPlatformFeatures()).wasmExceptions) throw new Error('duckdb-wasm sees no wasm exception handling: it would load the mvp build');
    bundles.eh = bundle('eh');
  }
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  return db.connect();
}

/** The scenario's work: a table and a CSV made, then every query of `queries` as text. */
export async function runQueries(conn: Connection, queries: Record<string, string>): Promise<Record<string, string>> {
  conn.query('DROP TABLE IF EXISTS people');
  conn.query(`CREATE TABLE people AS SELECT i AS id, 'person ' || i AS name, (i * 37) % 90 AS age FROM range(500) t(i)`);
  conn.query(`COPY (SELECT * FROM people WHERE age > 60) TO '/scenario.csv' (HEADER, DELIMITER ',')`);
  const outputs: Record<string, string> = {};
  for (const [name, sql] of Object.entries(queries)) {
    let out: string;
    try {
      out = conn.query(sql).toArray().map((r) => text(r.toJSON())).join('\n');
    } catch (e) {
      // A DuckDB error: a C++ exception thrown and caught inside the wasm, then reported.
      out = `error: ${(e as Error).message}`;
    }
    outputs[name] = `${out}\n`;
  }
  return outputs;
}

export default scenario({
  name: 'duckdb-wasm',
  pkg: '@duckdb/duckdb-wasm',
  what: 'DuckDB 1.4 (39 MB of wasm, dynamically linked at start): aggregates over 200,000 rows, windows, a join, strings, lists, decimals, a CSV round trip',
  timed: true,
  load: () => openDuckDB('mvp'),
  run: (conn) => runQueries(conn, QUERIES),
  async close(conn) {
    conn.close();
  },
});
