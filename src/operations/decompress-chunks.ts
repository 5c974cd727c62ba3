import { sql } from 'drizzle-orm'
import { readServerInfo, versionAtLeast } from '../catalog/read-server-info.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { requireTimescaleLicense } from '../repository/require-timescale-license.ts'
import type { ChunkProgress, ChunkRun } from './chunk-run.ts'
import { type ChunkWindow, checkChunkWindow } from './chunk-window.ts'
import { APACHE_CHUNK_OPERATIONS } from './compress-chunks.ts'
import { forEachChunk } from './for-each-chunk.ts'
import { hypertableTarget } from './hypertable-target.ts'
import { readChunks } from './read-chunks.ts'
import type { RelationRef } from './relation-name.ts'

/**
 * Decompresses (moves back to the rowstore) the compressed chunks of a hypertable in a window,
 * one chunk per transaction (`convert_to_rowstore` on 2.18+, `decompress_chunk` before): before a
 * large correction of old rows, say. Uncompressed chunks are left alone. A compression policy
 * compresses them again at its next run: pause it (`alterJob`) to keep them decompressed.
 *
 * @throws {QueryError} `FEATURE_NOT_LICENSED` on the Apache edition.
 * @throws {ValidationError} field `table` when it is not a hypertable; `olderThan`/`newerThan`.
 * @example
 * ```ts
 * await decompressChunks(db, readingsHypertable, { newerThan: new Date('2025-03-01T00:00:00Z'), olderThan: new Date('2025-04-01T00:00:00Z') })
 * ```
 * @see https://docs.timescale.com/api/latest/hypercore/convert_to_rowstore/
 */
export async function decompressChunks(
  db: AnyPgDatabase,
  table: RelationRef,
  window: ChunkWindow & { onProgress?: ChunkProgress } = {},
): Promise<ChunkRun> {
  await requireTimescaleLicense(db, 'decompressChunks', `compression (the columnstore; ${APACHE_CHUNK_OPERATIONS})`)
  const target = await hypertableTarget(db, table)
  const checked = checkChunkWindow(window, target.timeType)
  const rowstore = versionAtLeast(await readServerInfo(db), 2, 18)
  const chunks = await readChunks(db, target, checked)
  const todo = chunks.filter((c) => c.compressed).map((c) => c.chunk)
  return forEachChunk(
    db,
    'decompressChunks',
    todo,
    chunks.length - todo.length,
    (chunk) =>
      rowstore
        ? sql`call convert_to_rowstore(${chunk}::regclass, if_columnstore => true)`
        : sql`select decompress_chunk(${chunk}::regclass, if_compressed => true)`,
    window.onProgress,
  )
}
