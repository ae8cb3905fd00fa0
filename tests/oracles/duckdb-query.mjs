// Runs one SQL query in an in-memory DuckDB and prints the rows as JSON. Used by the Parquet tests
// as an independent reader and writer: `node duckdb-query.mjs "<sql>"`.
// Every value is printed through a type-preserving JSON form: bigints as strings, floats with
// enough digits to round-trip, lists as arrays, NULL as null.
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const statements = sql.split(';;').map(s => s.trim()).filter(s => s.length > 0);
let reader = null;
for (const statement of statements) {
  reader = await connection.runAndReadAll(statement);
}
const columns = reader.columnNames();
const rows = reader.getRowObjectsJson();
process.stdout.write(JSON.stringify({ columns, types: reader.columnTypes().map(t => t.toString()), rows }));
