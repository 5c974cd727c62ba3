import type { TimescaleClient } from '../../client/timescale-client.ts'
import { TimescaleClientError } from '../../errors.ts'
import type { AnyPgDatabase } from '../../internal/query-rows.ts'
import { toTimescaleError } from '../../to-timescale-error.ts'
import type { TimeSeriesRecord } from '../../vocabulary/record-types.ts'
import type { BatchResult } from '../../vocabulary/write-options.ts'
import { InterruptedError, yieldToEventLoop } from '../cli-error-line.ts'
import type { ProgressReporter } from '../progress-reporter.ts'
import type { ImportReader, RowSource } from './import-reader.ts'
import type { RejectsWriter } from './rejects-writer.ts'

/** What an import did. */
export interface ImportSummary {
  /** Data rows read (blank lines and the CSV header not counted). */
  rows: number
  /** Rows upserted (after collapsing rows with the same entity and time within a batch). */
  written: number
  /** Rows superseded by a later row with the same entity and time in the same batch. */
  duplicates: number
  /** Rows rejected, with their line numbers. */
  rejected: number
  /** Rows written that are older than the retention horizon (0 without a retention policy). */
  olderThanRetention: number
  seconds: number
}

/** Options of {@link runImport}. */
export interface RunImportOptions {
  batchSize: number
  /** Size of the input in bytes, for the ETA (unknown for standard input). */
  totalBytes?: number
  progress: ProgressReporter
  rejects?: RejectsWriter
  /** Called for each rejected row (the CLI prints the first ones). */
  onReject(line: number, error: string): void
  /**
   * The retention policy's horizon (rows older than `ms` are dropped at its next run): the first
   * batch holding such rows calls `onOlderThanRetention` before it is written.
   */
  retention?: { ms: number; dropAfter: string; jobId: number }
  onOlderThanRetention?(line: number, rows: number): void
  signal: AbortSignal
  /** Writes a batch (valid rows written, invalid ones reported); default: the client's `insertManyRecords`. */
  write?: (rows: Record<string, unknown>[]) => Promise<BatchResult>
}

/**
 * Reads the rows, upserts the valid ones in batches through the client's
 * `insertManyRecords(..., { skipInvalid: true })` (the API's write path, with its retries and
 * backoff: a dropped connection or a restarted server costs a retry of the batch, not the import),
 * and reports each bad one (with its line) without stopping. Re-running it on the same file writes
 * the same rows again: upserts make it idempotent. When a batch still fails, the error says the
 * line it started at and that every row before it is written.
 */
export async function runImport(
  client: TimescaleClient<AnyPgDatabase>,
  reader: ImportReader,
  options: RunImportOptions,
): Promise<ImportSummary> {
  const started = performance.now()
  const summary: ImportSummary = { rows: 0, written: 0, duplicates: 0, rejected: 0, olderThanRetention: 0, seconds: 0 }
  let batch: { line: number; record: Record<string, unknown>; source: RowSource }[] = []
  // Rejections are reported at each flush, in line order, whether the reader or the validation found them.
  let rejected: { line: number; error: string; source: RowSource }[] = []
  const state = () => ({
    rows: summary.rows,
    rejected: summary.rejected,
    done: reader.bytesRead,
    ...(options.totalBytes ? { total: options.totalBytes } : {}),
  })
  const flush = async () => {
    await yieldToEventLoop()
    if (options.signal.aborted) throw new InterruptedError(`interrupted after ${summary.rows} rows (${summary.written} written)`)
    if (batch.length > 0) {
      const first = batch[0]?.line ?? 0
      const horizon = options.retention?.ms
      if (horizon !== undefined) {
        const old = batch.filter((r) => Date.parse(String(r.record.time)) < horizon)
        if (old.length > 0 && summary.olderThanRetention === 0) options.onOlderThanRetention?.(old[0]?.line ?? first, old.length)
        summary.olderThanRetention += old.length
      }
      const write = options.write ?? ((rows) => client.insertManyRecords(rows as unknown as TimeSeriesRecord[], { skipInvalid: true }))
      const result = await write(batch.map((r) => r.record)).catch((error: unknown) => {
        throw stoppedAt(error, first)
      })
      summary.written += result.written
      summary.duplicates += result.duplicates
      for (const e of result.errors) {
        const row = batch[e.index]
        if (row) rejected.push({ line: row.line, error: e.message, source: row.source })
      }
    }
    for (const r of rejected.sort((a, b) => a.line - b.line)) {
      summary.rejected++
      options.rejects?.write(r.line, r.error, r.source, reader.header)
      options.onReject(r.line, r.error)
    }
    batch = []
    rejected = []
    options.progress.update(state())
  }
  for await (const row of reader.rows()) {
    summary.rows++
    if ('error' in row) rejected.push(row)
    else batch.push(row)
    if (batch.length >= options.batchSize || rejected.length >= options.batchSize) await flush()
    else if (summary.rows % 1000 === 0) options.progress.update(state())
  }
  await flush()
  summary.seconds = (performance.now() - started) / 1000
  options.progress.finish(state())
  return summary
}

/** The failure of the batch starting at `line`, saying where the import stopped and that a re-run is safe. */
function stoppedAt(error: unknown, line: number): TimescaleClientError {
  const cause = toTimescaleError(error)
  const attempts = typeof cause.details.attempts === 'number' ? ` after ${cause.details.attempts} attempts` : ''
  return new TimescaleClientError(
    `${cause.message}${attempts}. The import stopped at the batch starting at line ${line}: every row before it is ` +
      'written (some of the batch may be too); running the same import again is safe (rows are upserted) and completes it',
    cause.code,
    { cause, details: { ...cause.details, line } },
  )
}
