import { BatchError, ErrorCodes } from '../errors.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { PlannedTransaction } from './plan-transactions.ts'
import type { EncodedRow } from './table-shape.ts'

/**
 * Rows of a compressed chunk TimescaleDB may decompress per upserted row: a compressed batch holds
 * up to 1,000 rows (`timescaledb.compression_batch_size_limit`), and an upsert decompresses every
 * batch that may hold its key. A statement of `limit / 1000` rows can never exceed the limit.
 */
const ROWS_PER_COMPRESSED_BATCH = 1000

/** How one transaction's rows are to be written. */
export interface StatementPlan {
  /** Rows per statement. */
  statementRows: number
  /** Skip the plain COPY (rows in compressed chunks: it would be one statement of them all). */
  upsertOnly: boolean
}

/** How {@link writeInTransactions} runs the plan. */
export interface WriteInTransactionsOptions {
  /** Transactions at once (the `parallel` option). With more than 1, a planned transaction is cut into pieces of `chunkSize`. */
  concurrency: number
  /** Rows per statement (the `chunkSize` option). */
  chunkSize: number
  /** `timescaledb.max_tuples_decompressed_per_dml_transaction` (0: none). */
  decompressionLimit: number
  /**
   * `'split'`: a transaction refused for the lock table is cut in two and both halves written.
   * `'whole'` (`atomic: true`): it is not, the refusal is the answer. `'once'` (inside the caller's
   * transaction, which a refusal aborts): nothing is retried, and statements into compressed
   * chunks are sized so that they cannot exceed the decompression limit.
   */
  mode: 'split' | 'whole' | 'once'
  /** The caller's name in errors: `insertManyRecords`, `insertMany`. */
  operation: string
}

/**
 * Commits the planned transactions, `concurrency` at a time, each with `write` (which writes its
 * rows in one transaction, all or nothing, in statements of `statementRows`).
 *
 * TimescaleDB counts its decompression limit per statement (checked on 2.29: two statements of
 * 60,000 decompressed rows each commit in one transaction under the default 100,000; one of
 * 120,000 is refused). So rows in compressed chunks are upserted in statements that start at
 * `chunkSize` rows, halve when the server refuses one (`SERVER_LIMIT`, the transaction retried
 * whole) and double again after each transaction that commits: dense upserts (which decompress
 * about one row per row) keep large statements, sparse ones (up to 1,000 per row) shrink to fit.
 * A transaction refused for the lock table is cut in two (`mode: 'split'`). Any other failure
 * stops the work: with nothing committed it is thrown as it is, else as a `BatchError` saying how
 * many rows were committed (writes are upserts: the same call again completes them).
 */
export async function writeInTransactions(
  planned: readonly PlannedTransaction[],
  write: (rows: EncodedRow[], plan: StatementPlan) => Promise<void>,
  options: WriteInTransactionsOptions,
): Promise<{ transactions: number }> {
  const { chunkSize, decompressionLimit, mode } = options
  const queue: { rows: EncodedRow[]; compressed: boolean }[] = []
  for (const t of planned) {
    if (options.concurrency === 1) queue.push({ rows: t.rows, compressed: t.compressed })
    else {
      for (let start = 0; start < t.rows.length; start += chunkSize) {
        queue.push({ rows: t.rows.slice(start, start + chunkSize), compressed: t.compressed })
      }
    }
  }
  const total = queue.reduce((n, unit) => n + unit.rows.length, 0)
  const safeRows = decompressionLimit > 0 ? Math.max(1, Math.floor(decompressionLimit / ROWS_PER_COMPRESSED_BATCH)) : chunkSize
  let compressedRows = mode === 'once' ? Math.min(chunkSize, safeRows) : chunkSize
  let written = 0
  let transactions = 0
  let failure: unknown

  const worker = async () => {
    for (let unit = queue.shift(); unit && failure === undefined; unit = failure === undefined ? queue.shift() : undefined) {
      const statementRows = unit.compressed ? compressedRows : chunkSize
      try {
        await write(unit.rows, { statementRows, upsertOnly: unit.compressed })
        written += unit.rows.length
        transactions++
        if (unit.compressed) compressedRows = Math.min(chunkSize, compressedRows * 2)
      } catch (error) {
        const setting = mode === 'once' ? undefined : limitSettingOf(error)
        if (setting === DECOMPRESSION && (!unit.compressed || statementRows > 1)) {
          // A chunk compressed since the layout was read, or statements still too large.
          if (unit.compressed) compressedRows = Math.max(1, Math.min(compressedRows, Math.floor(statementRows / 2)))
          queue.unshift({ rows: unit.rows, compressed: true })
        } else if (setting === LOCKS && mode === 'split' && unit.rows.length > 1) {
          const half = Math.ceil(unit.rows.length / 2)
          queue.unshift(
            { rows: unit.rows.slice(0, half), compressed: unit.compressed },
            { rows: unit.rows.slice(half), compressed: unit.compressed },
          )
        } else {
          failure ??= error
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, worker))
  if (failure === undefined) return { transactions }
  if (written === 0) throw failure
  const cause = toTimescaleError(failure, { operation: options.operation })
  throw new BatchError(
    `${options.operation} wrote ${written} of ${total} rows in ${transactions} transactions before failing (${cause.message}); the same call again completes the batch`,
    ErrorCodes.BATCH,
    { cause, details: { written, notWritten: total - written, transactions, causeCode: cause.code } },
  )
}

const LOCKS = 'max_locks_per_transaction'
const DECOMPRESSION = 'timescaledb.max_tuples_decompressed_per_dml_transaction'

function limitSettingOf(error: unknown): string | undefined {
  const mapped = toTimescaleError(error)
  return mapped.code === ErrorCodes.SERVER_LIMIT ? (mapped.details.setting as string) : undefined
}
