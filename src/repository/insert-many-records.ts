import { BatchError } from '../errors.ts'
import { driverOf, nodePgClientOf, postgresJsClientOf } from '../internal/driver.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { BatchResult, InsertManyOptions, TimeSeriesRecord } from '../types.ts'
import { batchValidationError, checkRecords, type ValidRecord, validateInsertManyOptions } from '../validation/index.ts'
import { invalid } from '../validation/invalid.ts'
import { chooseWriter } from './choose-writer.ts'
import { planTransactions } from './plan-transactions.ts'
import { type StatementPlan, writeInTransactions } from './write-in-transactions.ts'
import { compressedRanges, type WriteLayout, writeLayoutOf } from './write-layout.ts'

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
export async function insertManyRecords(
  db: AnyPgDatabase,
  records: readonly TimeSeriesRecord[],
  options?: InsertManyOptions,
): Promise<BatchResult> {
  const started = performance.now()
  const { skipInvalid, chunkSize, method, parallel, atomic } = validateInsertManyOptions(options)
  const { inTransaction } = driverOf(db)
  if (method === 'copy' && !postgresJsClientOf(db) && !nodePgClientOf(db)) {
    throw invalid('method', "'copy' needs a postgres.js or node-postgres database (not a transaction or another driver)")
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

  const writer = chooseWriter(db, method)
  const write = (part: ValidRecord[], plan: StatementPlan) =>
    (plan.upsertOnly ? writer.upsert : writer.all)(chunksOf(part, plan.statementRows))
  let transactions = 0
  try {
    if (rows.length > 0) {
      const layout = await writeLayoutOf(db)
      const compressed = await compressedSlots(db, layout, rows)
      const bounded = !(atomic || inTransaction)
      let planned = planTransactions(rows, { ...layout, chunkBudget: bounded ? chunkBudget(layout) : Infinity }, compressed)
      if (!bounded && planned.length > 1)
        planned = [{ rows: planned.flatMap((t) => t.rows), compressed: planned.some((t) => t.compressed), chunks: 0 }]
      ;({ transactions } = await writeInTransactions(planned, write, {
        concurrency: parallel,
        chunkSize,
        decompressionLimit: layout.decompressionLimit,
        mode: inTransaction ? 'once' : atomic ? 'whole' : 'split',
      }))
      if (inTransaction) transactions = 0
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
    transactions,
    durationMs: performance.now() - started,
  }
}

/*
 * Locks one transaction may take: 4 x max_locks_per_transaction (256 at the default of 64). The lock
 * table is shared, 64 x (max_connections + max_prepared_transactions) = 6,400 slots on a default
 * server, so 16 such writers (the most `parallel` allows) fit with room for everyone else. Measured
 * on TimescaleDB 2.19 and 2.29: an upsert takes ~3 locks per existing chunk beyond the 16 fast-path
 * slots, and ~8 per chunk it creates plus ~45 for creating any; 10 per chunk is the budget's unit.
 */
const LOCK_SHARE = 4
const LOCKS_PER_CHUNK = 10

function chunkBudget(layout: WriteLayout): number {
  return Math.max(layout.partitions, Math.floor((layout.maxLocksPerTransaction * LOCK_SHARE) / LOCKS_PER_CHUNK))
}

/** Which time slots of the rows' span hold a compressed chunk (read only when the rows reach back that far). */
async function compressedSlots(db: AnyPgDatabase, layout: WriteLayout, rows: readonly ValidRecord[]): Promise<(slot: number) => boolean> {
  const interval = layout.chunkIntervalMs
  if (interval === null || layout.compressedUntilMs === null) return () => false
  let from = Infinity
  let to = -Infinity
  for (const row of rows) {
    const ms = Date.parse(row.time)
    if (ms < from) from = ms
    if (ms > to) to = ms
  }
  if (from >= layout.compressedUntilMs) return () => false
  const slots = new Set<number>()
  for (const [start, end] of await compressedRanges(db, from, to)) {
    for (let slot = Math.floor(start / interval); slot * interval < end; slot++) slots.add(slot)
  }
  return (slot) => slots.has(slot)
}

function chunksOf(rows: readonly ValidRecord[], size: number): ValidRecord[][] {
  if (rows.length <= size) return [rows as ValidRecord[]]
  const chunks: ValidRecord[][] = []
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size))
  return chunks
}

/** Orders records by `(entity_id, time)`; canonical times are fixed-width, so text order is time order. */
function byKeyOrder(a: ValidRecord, b: ValidRecord): number {
  return a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : a.time < b.time ? -1 : a.time > b.time ? 1 : 0
}
