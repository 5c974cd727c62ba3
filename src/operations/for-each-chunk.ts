import type { SQL } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { ChunkProgress, ChunkRun } from './chunk-run.ts'

/**
 * Runs one statement per chunk, each its own transaction: a chunk's locks are released before
 * the next is taken, so thousands of chunks never fill the lock table (53200), and a failure
 * leaves every chunk before it done and the rest as they were. Failures are mapped, naming the chunk.
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
  for (const chunk of chunks) {
    try {
      await queryRows(db, statement(chunk))
    } catch (error) {
      throw toTimescaleError(error, { operation: `${operation} (chunk ${chunk}, ${done.length} of ${chunks.length} done)` })
    }
    done.push(chunk)
    onProgress?.(done.length, chunks.length, chunk)
  }
  return { chunks: done, unchanged, durationMs: performance.now() - started }
}
