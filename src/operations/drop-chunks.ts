import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { invalid } from '../validation/invalid.ts'
import type { ChunkProgress, ChunkRun } from './chunk-run.ts'
import { type ChunkWindow, checkChunkWindow } from './chunk-window.ts'
import { hypertableTarget } from './hypertable-target.ts'
import { readChunks } from './read-chunks.ts'
import type { RelationRef } from './relation-name.ts'

/*
 * Locks per dropped chunk: the chunk, its TOAST table and index, each index, and the same again for
 * its compressed chunk: about 2 x indexes + 8. A transaction may take 4 x max_locks_per_transaction
 * of the shared lock table (the budget the writes use, insert-rows.ts): 18 chunks of
 * time_series_data per drop_chunks call at the default 64.
 */
const LOCK_SHARE = 4

/**
 * Drops the chunks of a hypertable in a window (`drop_chunks`), oldest first when `olderThan` is
 * given, newest first otherwise, in calls of as many chunks as the lock table allows: after a
 * backfill of years (thousands of chunks) the one `drop_chunks` call fails with 53200
 * (`max_locks_per_transaction`); this does not. Each call commits on its own: interrupted, what was
 * dropped stays dropped and running it again finishes the rest. Their rows are gone; continuous
 * aggregates keep the buckets already materialized from them. Works on every edition.
 *
 * @throws {ValidationError} when neither `olderThan` nor `newerThan` is given (that is `TRUNCATE`),
 *   field `table` when it is not a hypertable, `olderThan`/`newerThan` for a bad bound.
 * @example
 * ```ts
 * const { chunks } = await dropChunks(db, readingsHypertable, { olderThan: '2 years' })
 * ```
 * @see https://docs.timescale.com/api/latest/hypertable/drop_chunks/
 */
export async function dropChunks(
  db: AnyPgDatabase,
  table: RelationRef,
  window: ChunkWindow & { onProgress?: ChunkProgress },
): Promise<ChunkRun> {
  const started = performance.now()
  const target = await hypertableTarget(db, table)
  const checked = checkChunkWindow(window, target.timeType)
  if (!checked.olderThan && !checked.newerThan) {
    throw invalid('olderThan', 'or newerThan must be given: dropping every chunk is TRUNCATE')
  }
  const [settings] = await queryRows<{ locks: number }>(db, sql`select current_setting('max_locks_per_transaction')::int as locks`)
  const perCall = Math.max(1, Math.floor((LOCK_SHARE * Number(settings?.locks ?? 64)) / (2 * target.indexes + 8)))
  const oldestFirst = checked.olderThan !== null
  const chunks = await readChunks(db, target, checked)
  if (!oldestFirst) chunks.reverse()
  const dropped: string[] = []
  for (let i = 0; i < chunks.length; i += perCall) {
    const batch = chunks.slice(i, i + perCall)
    const last = batch[batch.length - 1]
    if (!last) break
    // The batch's edge as a bound of the same kind; the caller's other bound, if any, stays.
    const edge = checkChunkWindow(
      oldestFirst ? { olderThan: last.rangeEnd ?? undefined } : { newerThan: last.rangeStart ?? undefined },
      target.timeType,
    )
    const args: SQL[] = [sql`${target.regclass}::regclass`]
    const olderThan = oldestFirst ? edge.olderThan : checked.olderThan
    const newerThan = oldestFirst ? checked.newerThan : edge.newerThan
    if (olderThan) args.push(sql`older_than => ${olderThan}`)
    if (newerThan) args.push(sql`newer_than => ${newerThan}`)
    let names: { name: string }[]
    try {
      names = await queryRows<{ name: string }>(db, sql`select drop_chunks(${sql.join(args, sql`, `)}) as name`)
    } catch (error) {
      throw toTimescaleError(error, { operation: `dropChunks (${dropped.length} of ${chunks.length} dropped)` })
    }
    for (const { name } of names) {
      dropped.push(name)
      window.onProgress?.(dropped.length, chunks.length, name)
    }
  }
  return { chunks: dropped, unchanged: 0, durationMs: performance.now() - started }
}
