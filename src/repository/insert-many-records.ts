import type { AnyPgDatabase } from '../internal/query-rows.ts'
import type { TimeSeriesRecord } from '../vocabulary/record-types.ts'
import type { BatchResult, InsertManyOptions } from '../vocabulary/write-options.ts'
import { insertRows } from './insert-rows.ts'
import { timeSeriesShape } from './time-series-shape.ts'

/**
 * Writes any number of records with upsert semantics, in transactions sized for the server.
 *
 * **What is atomic.** Rows whose chunks one transaction can lock are written in one transaction:
 * a call whose rows fall in at most ~25 chunks (`4 x max_locks_per_transaction / 10`; with 1-day
 * chunks and 4 partitions, six days of every entity) is all or nothing, as is any call with
 * `atomic: true` and any call inside the caller's transaction. A call spanning more chunks (a
 * backfill of years) is cut, in time order, into transactions of at most that many chunks, so the
 * lock table of a default server (64 locks per connection) is never exhausted; rows in compressed
 * chunks go in statements sized under TimescaleDB's decompression limit. If one of those fails
 * after others committed, a `BatchError` says how many rows were written; writes are upserts, so
 * the same call again completes the batch. `result.transactions` says how many committed.
 *
 * On a postgres.js database each transaction's rows go in one plain `COPY` (chunks of `chunkSize`,
 * default 10,000 rows, each encoded while the server reads the previous one); if a key
 * already exists that COPY fails having written nothing, and each chunk is COPied into a temporary
 * staging table and upserted from it (see `method`). On other drivers and inside a transaction
 * each chunk is one `INSERT ... SELECT * FROM unnest(...)` with one array parameter per column
 * (on the embedded PGlite, after one plain COPY of every chunk from a Blob, when no key exists yet).
 * Either way batch size never meets PostgreSQL's 65,535 bind-parameter limit. `parallel: n` writes on
 * n connections at once (each chunk then commits on its own; see {@link InsertManyOptions}). Records with the same `(entity_id, time)` (times compared as instants:
 * `10:30+01:00` equals `09:30Z`) are collapsed first, the last one winning, and counted in
 * `duplicates`.
 *
 * By default the whole batch is validated first and, if any record is invalid, a `ValidationError`
 * is thrown and nothing is written. With `skipInvalid: true` the valid records are written and the
 * invalid ones reported in `errors`. An empty array returns zeros without touching the database.
 * Not retried: it may run inside the caller's transaction (chunks then run in a savepoint).
 *
 * @throws {ValidationError} `details.index`, `details.field` of the first invalid record,
 *   `details.errors` (up to 100 `RecordError`s) and `details.invalidCount`.
 * @throws {QueryError} `SERVER_LIMIT` when one transaction (`atomic: true`, the caller's
 *   transaction, or a single row) exceeds a server limit; `details.setting` names the setting.
 * @throws {BatchError} when a transaction failed after others had committed.
 * @example
 * ```ts
 * const result = await insertManyRecords(db, [
 *   { entity_id: 'server_prod_01', time: '2024-01-15T10:30:00Z', value: 75.2, value2: 8.1 },
 *   { entity_id: 'server_prod_01', time: '2024-01-15T10:31:00Z', value: 71.9, value2: 8.0 },
 * ])
 * result.written // 2
 * ```
 * @see https://docs.timescale.com/use-timescale/latest/write-data/upsert/
 */
export function insertManyRecords(
  db: AnyPgDatabase,
  records: readonly TimeSeriesRecord[],
  options?: InsertManyOptions,
): Promise<BatchResult> {
  return insertRows(db, timeSeriesShape, records, options, 'insertManyRecords')
}
