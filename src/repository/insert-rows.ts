import { BatchError, ValidationError } from '../errors.ts'
import { driverOf, nodePgClientOf, postgresJsClientOf } from '../internal/driver.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { invalid, kindOf } from '../validation/invalid.ts'
import { validateInsertManyOptions } from '../validation/validate-insert-many-options.ts'
import { batchValidationError } from '../validation/validate-records.ts'
import type { BatchResult, InsertManyOptions, RecordError } from '../vocabulary/write-options.ts'
import { chooseWriter } from './choose-writer.ts'
import { directCompressWriter } from './direct-compress-writer.ts'
import { planTransactions } from './plan-transactions.ts'
import { requireDirectCompress } from './require-direct-compress.ts'
import type { EncodedRow, TableShape } from './table-shape.ts'
import { type StatementPlan, writeInTransactions } from './write-in-transactions.ts'
import { compressedRanges, type WriteLayout, writeLayoutOf } from './write-layout.ts'
import { writeTargetOf } from './write-target.ts'

/**
 * The write engine of every hypertable: checks and encodes `input` with the shape, collapses rows
 * with the same key (the last one wins), orders them by key, plans transactions by chunk (sized for
 * the server's lock table and the table's own index count), and writes each with the writer the
 * driver allows (plain COPY, staging upsert, unnest). `insertManyRecords` and a declared table's
 * `insertMany` are this function; their documentation says what it guarantees.
 */
export async function insertRows(
  db: AnyPgDatabase,
  shape: TableShape,
  input: readonly unknown[],
  options: InsertManyOptions | undefined,
  operation: string,
): Promise<BatchResult> {
  const started = performance.now()
  const { skipInvalid, chunkSize, method, parallel, atomic, directCompress } = validateInsertManyOptions(options)
  const { inTransaction } = driverOf(db)
  if (method === 'copy' && !postgresJsClientOf(db) && !nodePgClientOf(db)) {
    throw invalid('method', "'copy' needs a postgres.js or node-postgres database (not a transaction or another driver)")
  }
  if (parallel > 1 && inTransaction) throw invalid('parallel', 'must be 1 inside a transaction')
  if (!Array.isArray(input)) throw invalid(shape.rowsName, `must be an array of rows, not ${kindOf(input)}`)
  const valid: EncodedRow[] = []
  const errors: RecordError[] = []
  for (let index = 0; index < input.length; index++) {
    try {
      valid.push(shape.encode(input[index]))
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      errors.push({ index, field: String(error.details.field), code: error.code, message: error.message })
    }
  }
  if (errors.length > 0 && !skipInvalid) throw batchValidationError(errors, shape.rowsName)
  if (directCompress) await requireDirectCompress(db, shape, operation)

  let rows: EncodedRow[]
  if (shape.key.length > 0) {
    // In key order: concurrent calls writing overlapping keys then lock them in the same order,
    // so their transactions wait for each other instead of deadlocking. The sort is stable, so the
    // last row of each run of equal keys is the one given last: it wins.
    const sorted = valid.slice().sort(byKey)
    rows = []
    for (let i = 0; i < sorted.length; i++) {
      const row = sorted[i] as EncodedRow
      if (i + 1 === sorted.length || (sorted[i + 1] as EncodedRow).key !== row.key) rows.push(row)
    }
  } else {
    rows = valid.slice().sort(byTime)
  }
  let transactions = 0
  try {
    if (rows.length > 0) {
      const target = writeTargetOf(shape, rows)
      const writer = directCompress ? directCompressWriter(db, target) : chooseWriter(db, target, method)
      const write = (part: EncodedRow[], plan: StatementPlan) =>
        (plan.upsertOnly ? writer.upsert : writer.all)(chunksOf(part, plan.statementRows))
      const layout = await writeLayoutOf(db, shape)
      const compressed = await compressedSlots(db, shape, layout, rows)
      const bounded = !(atomic || inTransaction)
      let planned = planTransactions(rows, { ...layout, chunkBudget: bounded ? chunkBudget(layout) : Infinity }, compressed)
      if (!bounded && planned.length > 1)
        planned = [{ rows: planned.flatMap((t) => t.rows), compressed: planned.some((t) => t.compressed), chunks: 0 }]
      ;({ transactions } = await writeInTransactions(planned, write, {
        concurrency: parallel,
        chunkSize,
        decompressionLimit: layout.decompressionLimit,
        mode: inTransaction ? 'once' : atomic ? 'whole' : 'split',
        operation,
      }))
      if (inTransaction) transactions = 0
    }
  } catch (error) {
    throw error instanceof BatchError || error instanceof ValidationError ? error : toTimescaleError(error, { operation })
  }
  return {
    total: input.length,
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
 * on TimescaleDB 2.19 and 2.29 with time_series_data (4 indexes): an upsert takes ~3 locks per
 * existing chunk beyond the 16 fast-path slots, and ~8 per chunk it creates plus ~45 for creating
 * any. Each index of the table is one more relation per chunk to lock: a chunk costs its indexes + 6
 * (10 for time_series_data), the budget's unit.
 */
const LOCK_SHARE = 4
const LOCKS_PER_CHUNK_BEYOND_INDEXES = 6

function chunkBudget(layout: WriteLayout): number {
  const perChunk = LOCKS_PER_CHUNK_BEYOND_INDEXES + layout.indexes
  return Math.max(layout.partitions, Math.floor((layout.maxLocksPerTransaction * LOCK_SHARE) / perChunk))
}

/** Which time slots of the rows' span hold a compressed chunk (read only when the rows reach back that far). */
async function compressedSlots(
  db: AnyPgDatabase,
  shape: TableShape,
  layout: WriteLayout,
  rows: readonly EncodedRow[],
): Promise<(slot: number) => boolean> {
  const interval = layout.chunkIntervalMs
  if (interval === null || layout.compressedUntilMs === null) return () => false
  let from = Infinity
  let to = -Infinity
  for (const row of rows) {
    if (row.timeMs < from) from = row.timeMs
    if (row.timeMs > to) to = row.timeMs
  }
  if (from >= layout.compressedUntilMs) return () => false
  const slots = new Set<number>()
  for (const [start, end] of await compressedRanges(db, shape, from, to)) {
    for (let slot = Math.floor(start / interval); slot * interval < end; slot++) slots.add(slot)
  }
  return (slot) => slots.has(slot)
}

function chunksOf(rows: readonly EncodedRow[], size: number): EncodedRow[][] {
  if (rows.length <= size) return [rows as EncodedRow[]]
  const chunks: EncodedRow[][] = []
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size))
  return chunks
}

/** Orders rows by key (the key columns' texts: canonical times are fixed-width, so text order is time order). */
function byKey(a: EncodedRow, b: EncodedRow): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

function byTime(a: EncodedRow, b: EncodedRow): number {
  return a.timeMs - b.timeMs
}
