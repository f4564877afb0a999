// DuckDB-wasm's exception-handling build (duckdb-eh.wasm, 34 MB: its C++ exceptions are wasm
// throw/try/catch in the legacy encoding instead of calls out to JS) with duckdb.ts's
// queries plus queries that fail: each failure is a C++ exception thrown and caught inside
// the wasm, whose message the package then reports.
import { scenario } from '../scenario.js';
import { QUERIES, openDuckDB, runQueries } from './duckdb.js';

const FAILING: Record<string, string> = {
  'error-cast.txt': `SELECT CAST('abc' AS INTEGER)`,
  'error-catalog.txt': 'SELECT * FROM no_such_table',
  'error-parser.txt': 'SELEKT 1',
  'error-overflow.txt': 'SELECT CAST(2147483647 AS INTEGER) + 1',
  'error-constraint.txt': `CREATE TEMP TABLE u (k INTEGER PRIMARY KEY); INSERT INTO u VALUES (1), (1)`,
  'after-errors.txt': 'SELECT count(*) AS n, sum(age) AS s FROM people',
};

export default scenario({
  name: 'duckdb-wasm-eh',
  pkg: '@duckdb/duckdb-wasm',
  what: 'DuckDB 1.4 exception-handling build (34 MB, legacy wasm EH): the duckdb-wasm queries plus five failing ones (C++ exceptions caught in wasm)',
  timed: true,
  load: () => openDuckDB('eh'),
  run: (conn) => runQueries(conn, { ...QUERIES, ...FAILING }),
  async close(conn) {
    conn.close();
  },
});
