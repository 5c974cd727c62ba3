import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { type ChunkWindow, checkChunkWindow } from './chunk-window.ts'
import { hypertableTarget } from './hypertable-target.ts'
import { type ChunkInfo, readChunks } from './read-chunks.ts'
import type { RelationRef } from './relation-name.ts'

/**
 * Lists the chunks of a hypertable, oldest first, with their range, partition, size and whether
 * they are compressed; within a window when one is given. Works on every edition.
 *
 * @throws {ValidationError} field `table` when it is not a hypertable here; `olderThan`/`newerThan` for a bad bound.
 * @example
 * ```ts
 * import { listChunks } from 'drizzle-timescale'
 *
 * for (const c of await listChunks(db, readingsHypertable, { olderThan: '7 days' })) {
 *   console.log(c.chunk, c.rangeStart, c.compressed, c.totalBytes)
 * }
 * ```
 * @see https://docs.timescale.com/api/latest/hypertable/show_chunks/
 */
export async function listChunks(db: AnyPgDatabase, table: RelationRef, window: ChunkWindow = {}): Promise<ChunkInfo[]> {
  const target = await hypertableTarget(db, table)
  return readChunks(db, target, checkChunkWindow(window, target.timeType))
}
