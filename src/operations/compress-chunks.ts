import { sql } from 'drizzle-orm'
import { readServerInfo, versionAtLeast } from '../catalog/read-server-info.ts'
import { ErrorCodes, QueryError } from '../errors.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { requireTimescaleLicense } from '../repository/require-timescale-license.ts'
import type { ChunkProgress, ChunkRun } from './chunk-run.ts'
import { type ChunkWindow, checkChunkWindow } from './chunk-window.ts'
import { forEachChunk } from './for-each-chunk.ts'
import { hypertableTarget } from './hypertable-target.ts'
import { readChunks } from './read-chunks.ts'
import type { RelationRef } from './relation-name.ts'

/** What the Apache edition can do with chunks, for the license error's cure. */
export const APACHE_CHUNK_OPERATIONS = 'on the Apache edition, listChunks and dropChunks work'

/**
 * Compresses (moves to the columnstore) the chunks of a hypertable in a window, one chunk per
 * transaction (`convert_to_columnstore` on TimescaleDB 2.18+, `compress_chunk` before): a
 * backfill of thousands of chunks compresses on a default `max_locks_per_transaction`. Chunks
 * already compressed are left alone, so running it again changes nothing. The newest chunk, still
 * written to, is usually left out: give `olderThan`.
 *
 * @throws {QueryError} `FEATURE_NOT_LICENSED` on the Apache edition; `QUERY_ERROR` when the
 *   hypertable's columnstore is not enabled (declare `compression` in `hypertable(...)`).
 * @throws {ValidationError} field `table` when it is not a hypertable; `olderThan`/`newerThan`.
 * @example
 * ```ts
 * const run = await compressChunks(db, readingsHypertable, { olderThan: '7 days' })
 * console.log(`${run.chunks.length} compressed, ${run.unchanged} already were`)
 * ```
 * @see https://docs.timescale.com/api/latest/hypercore/convert_to_columnstore/
 */
export async function compressChunks(
  db: AnyPgDatabase,
  table: RelationRef,
  window: ChunkWindow & { onProgress?: ChunkProgress } = {},
): Promise<ChunkRun> {
  await requireTimescaleLicense(db, 'compressChunks', `compression (the columnstore; ${APACHE_CHUNK_OPERATIONS})`)
  const target = await hypertableTarget(db, table)
  const checked = checkChunkWindow(window, target.timeType)
  if (!target.compressionEnabled) {
    throw new QueryError(
      `compressChunks failed: ${target.schema}.${target.name} has no columnstore: declare compression in hypertable(...) and migrate ` +
        `(or ALTER TABLE ... SET (timescaledb.enable_columnstore, timescaledb.segmentby = '...'))`,
      ErrorCodes.QUERY,
      { details: { operation: 'compressChunks', table: `${target.schema}.${target.name}` } },
    )
  }
  const columnstore = versionAtLeast(await readServerInfo(db), 2, 18)
  const chunks = await readChunks(db, target, checked)
  const todo = chunks.filter((c) => !c.compressed).map((c) => c.chunk)
  return forEachChunk(
    db,
    'compressChunks',
    todo,
    chunks.length - todo.length,
    (chunk) =>
      columnstore
        ? sql`call convert_to_columnstore(${chunk}::regclass, if_not_columnstore => true)`
        : sql`select compress_chunk(${chunk}::regclass, if_not_compressed => true)`,
    window.onProgress,
  )
}
