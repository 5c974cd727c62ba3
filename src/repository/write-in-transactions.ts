import { BatchError, ErrorCodes } from '../errors.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { ValidRecord } from '../validation/index.ts'
import type { PlannedTransaction } from './plan-transactions.ts'

/**
 * Rows of a compressed chunk TimescaleDB decompresses per upserted row, at most: a compressed batch
 * holds up to 1,000 rows (`compress_chunk`'s batch size), and an upsert decompresses every batch
 * that may hold its key. The first transaction into compressed chunks is sized for the worst case.
 */
const ROWS_PER_COMPRESSED_BATCH = 1000

/** How {@link writeInTransactions} runs the plan. */
export interface WriteInTransactionsOptions {
  /** Transactions at once (the `parallel` option). With more than 1, a planned transaction is cut into pieces of `pieceRows`. */
  concurrency: number
  pieceRows: number
  /** `timescaledb.max_tuples_decompressed_per_dml_transaction` (0: none). */
  decompressionLimit: number
}

/**
 * Commits the planned transactions, `concurrency` at a time, each with `write` (which writes its
 * rows in one transaction, all or nothing). A transaction the server refuses for a limit of its
 * settings (`SERVER_LIMIT`: the lock table, the decompression limit) is split in two and each half
 * written, down to one row; transactions into compressed chunks start at the size the decompression
 * limit allows in the worst case (limit / 1,000 rows), double after each success and halve after a
 * refusal, so dense upserts soon run in large transactions and sparse ones stay under the limit.
 * Another failure stops the work: with nothing committed it is thrown as it is, else as a
 * `BatchError` saying how many rows were committed (writes are upserts: the same call again completes them).
 */
export async function writeInTransactions(
  planned: readonly PlannedTransaction[],
  write: (rows: ValidRecord[]) => Promise<void>,
  options: WriteInTransactionsOptions,
): Promise<{ transactions: number }> {
  const queue: { rows: ValidRecord[]; compressed: boolean }[] = []
  for (const t of planned) {
    if (options.concurrency === 1) queue.push({ rows: t.rows, compressed: t.compressed })
    else {
      for (let start = 0; start < t.rows.length; start += options.pieceRows) {
        queue.push({ rows: t.rows.slice(start, start + options.pieceRows), compressed: t.compressed })
      }
    }
  }
  const total = queue.reduce((n, unit) => n + unit.rows.length, 0)
  let compressedRows =
    options.decompressionLimit > 0 ? Math.max(1, Math.floor(options.decompressionLimit / ROWS_PER_COMPRESSED_BATCH)) : Infinity
  let written = 0
  let transactions = 0
  let failure: unknown

  const next = () => {
    const head = queue[0]
    if (!head) return undefined
    if (head.compressed && head.rows.length > compressedRows) {
      return { rows: head.rows.splice(0, compressedRows), compressed: true }
    }
    queue.shift()
    return head
  }
  const worker = async () => {
    for (let unit = next(); unit && failure === undefined; unit = failure === undefined ? next() : undefined) {
      try {
        await write(unit.rows)
        written += unit.rows.length
        transactions++
        if (unit.compressed && Number.isFinite(compressedRows)) compressedRows *= 2
      } catch (error) {
        if (unit.rows.length > 1 && toTimescaleError(error).code === ErrorCodes.SERVER_LIMIT) {
          const half = Math.ceil(unit.rows.length / 2)
          if (unit.compressed) compressedRows = Math.max(1, Math.min(compressedRows, half))
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
  const cause = toTimescaleError(failure, { operation: 'insertManyRecords' })
  throw new BatchError(
    `insertManyRecords wrote ${written} of ${total} rows in ${transactions} transactions before failing (${cause.message}); the same call again completes the batch`,
    ErrorCodes.BATCH,
    { cause, details: { written, notWritten: total - written, transactions, causeCode: cause.code } },
  )
}
