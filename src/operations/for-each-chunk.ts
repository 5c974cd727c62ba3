import type { SQL } from 'drizzle-orm'
import { findPgError } from '../internal/pg-error.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { ChunkProgress, ChunkRun } from './chunk-run.ts'

/**
 * TimescaleDB's `duplicate_object`, raised by `convert_to_columnstore`/`compress_chunk` for a
 * chunk already compressed and by `convert_to_rowstore`/`decompress_chunk` for one already
 * decompressed, even with `if_not_columnstore`/`if_columnstore`: those flags are read before the
 * chunk's lock is taken, so a chunk that a policy job converted while this statement waited for
 * that lock still raises it (src/chunk.c, `ts_chunk_validate_chunk_status_for_operation`).
 */
const ALREADY_AS_ASKED = '42710'

/**
 * Runs one statement per chunk, each its own transaction: a chunk's locks are released before
 * the next is taken, so thousands of chunks never fill the lock table (53200), and a failure
 * leaves every chunk before it done and the rest as they were. Failures are mapped, naming the
 * chunk. A chunk that another session (the compression policy, say) brought to the asked state
 * between the listing and its statement is counted as unchanged, not as a failure.
 */
export async function forEachChunk(
  db: AnyPgDatabase,
  operation: string,
  chunks: readonly string[],
  unchanged: number,
  statement: (chunk: string) => SQL,
  onProgress?: ChunkProgress,
): Promise<ChunkRun> {
  const started = performance.now()
  const done: string[] = []
  let alreadyDone = 0
  for (const chunk of chunks) {
    try {
      await queryRows(db, statement(chunk))
    } catch (error) {
      if (findPgError(error)?.code === ALREADY_AS_ASKED) {
        alreadyDone++
        continue
      }
      throw toTimescaleError(error, { operation: `${operation} (chunk ${chunk}, ${done.length} of ${chunks.length} done)` })
    }
    done.push(chunk)
    onProgress?.(done.length, chunks.length - alreadyDone, chunk)
  }
  return { chunks: done, unchanged: unchanged + alreadyDone, durationMs: performance.now() - started }
}
