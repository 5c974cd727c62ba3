import { BatchError, ErrorCodes } from '../errors.ts'
import { driverOf, postgresJsClientOf } from '../internal/driver.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { BatchResult, InsertManyOptions, TimeSeriesRecord } from '../types.ts'
import { batchValidationError, checkRecords, type ValidRecord, validateInsertManyOptions } from '../validation/index.ts'
import { invalid } from '../validation/invalid.ts'
import { chooseWriter } from './choose-writer.ts'

/**
 * Writes any number of records with upsert semantics, in one transaction (unless `parallel` > 1).
 *
 * On a postgres.js database the rows go in one plain `COPY` (chunks of `chunkSize`, default
 * 10,000 rows, each encoded while the server reads the previous one); if a key
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
export async function insertManyRecords(
  db: AnyPgDatabase,
  records: readonly TimeSeriesRecord[],
  options?: InsertManyOptions,
): Promise<BatchResult> {
  const started = performance.now()
  const { skipInvalid, chunkSize, method, parallel } = validateInsertManyOptions(options)
  const { inTransaction } = driverOf(db)
  const pool = postgresJsClientOf(db)
  if (method === 'copy' && !pool) {
    throw invalid('method', "'copy' needs a postgres.js database (drizzle-orm/postgres-js), not a transaction or another driver")
  }
  if (parallel > 1 && inTransaction) throw invalid('parallel', 'must be 1 inside a transaction')
  const { valid, errors } = checkRecords(records)
  if (errors.length > 0 && !skipInvalid) throw batchValidationError(errors)

  const unique = new Map<string, ValidRecord>()
  // entity_id cannot contain U+0000 (validated), so it separates the two parts of the key.
  for (const record of valid) unique.set(`${record.entity_id}\u0000${record.time}`, record)
  // In key order: concurrent calls writing overlapping keys then lock them in the same order,
  // so their transactions wait for each other instead of deadlocking.
  const rows = [...unique.values()].sort(byKeyOrder)
  const chunks: ValidRecord[][] = []
  for (let start = 0; start < rows.length; start += chunkSize) chunks.push(rows.slice(start, start + chunkSize))

  const writer = chooseWriter(db, method)
  try {
    if (chunks.length === 0) {
      // nothing to write
    } else if (parallel > 1 && chunks.length > 1) {
      await writeInParallel(chunks, parallel, writer.one)
    } else {
      await writer.all(chunks)
    }
  } catch (error) {
    throw error instanceof BatchError ? error : toTimescaleError(error, { operation: 'insertManyRecords' })
  }
  return {
    total: records.length,
    written: rows.length,
    duplicates: valid.length - rows.length,
    failed: errors.length,
    errors,
    durationMs: performance.now() - started,
  }
}

/**
 * Writes the chunks on `parallel` connections at once, each chunk committing on its own. Workers
 * take chunks in order from a shared cursor and stop at the first failure; then a `BatchError`
 * says how many rows were committed and how many were not.
 */
async function writeInParallel(
  chunks: readonly ValidRecord[][],
  parallel: number,
  writeOne: (chunk: ValidRecord[]) => Promise<void>,
): Promise<void> {
  let next = 0
  let written = 0
  let failure: unknown
  const worker = async () => {
    while (failure === undefined && next < chunks.length) {
      const chunk = chunks[next++] as ValidRecord[]
      try {
        await writeOne(chunk)
        written += chunk.length
      } catch (error) {
        failure ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker))
  if (failure !== undefined) {
    const total = chunks.reduce((n, chunk) => n + chunk.length, 0)
    const cause = toTimescaleError(failure, { operation: 'insertManyRecords' })
    throw new BatchError(
      `insertManyRecords wrote ${written} of ${total} rows before failing (${cause.message}); the same call again completes the batch`,
      ErrorCodes.BATCH,
      { cause, details: { written, notWritten: total - written, causeCode: cause.code } },
    )
  }
}

/** Orders records by `(entity_id, time)`; canonical times are fixed-width, so text order is time order. */
function byKeyOrder(a: ValidRecord, b: ValidRecord): number {
  return a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : a.time < b.time ? -1 : a.time > b.time ? 1 : 0
}
