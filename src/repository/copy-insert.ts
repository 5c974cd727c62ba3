import type postgres from 'postgres'
import { copyFromStdin } from '../internal/copy-from-stdin.ts'
import { COPY_COLUMNS, copyText } from '../internal/copy-text.ts'
import { findPgError } from '../internal/pg-error.ts'
import type { ValidRecord } from '../validation/index.ts'
import { copyUpsert } from './copy-upsert.ts'

/*
 * The fastest upsert is a plain COPY: when none of the keys exists yet (a live feed, a first
 * import), `COPY time_series_data FROM STDIN` writes the rows with none of the upsert's work
 * (no staging table, no speculative insertion). It is one statement, so it is atomic: when a key
 * does exist it fails with a unique violation (23505) having written nothing, and the same rows
 * go through the staging upsert instead. The failed COPY costs the rows it had taken and one
 * ERROR line in the server log, so after a conflict the next calls on that pool go straight to
 * the staging upsert, trying COPY again every RETRY_COPY_EVERY calls.
 * Measured side by side (bench/, BENCHMARKS.md): the plain COPY runs at raw COPY speed, the
 * staging upsert at about 0.8x of it.
 */
const RETRY_COPY_EVERY = 16
const upsertOnlyCalls = new WeakMap<postgres.Sql, number>()

/**
 * Writes `chunks` with upsert semantics: one plain COPY of every chunk (streamed: each chunk is
 * encoded while the server reads the previous one), or, when a key already exists, the staging
 * upsert ({@link copyUpsert}). All or nothing either way.
 */
export async function copyInsert(sql: postgres.Sql, chunks: readonly (readonly ValidRecord[])[]): Promise<void> {
  const skip = upsertOnlyCalls.get(sql) ?? 0
  if (skip > 0) {
    upsertOnlyCalls.set(sql, skip - 1)
    return copyUpsert(sql, chunks)
  }
  let conflict = false
  try {
    await copyFromStdin(sql, `copy time_series_data (${COPY_COLUMNS}) from stdin`, encoded(chunks))
  } catch (error) {
    if (findPgError(error)?.code !== '23505') throw error
    conflict = true
  }
  if (conflict) {
    upsertOnlyCalls.set(sql, RETRY_COPY_EVERY)
    await copyUpsert(sql, chunks)
  }
}

/** Rows per piece of the COPY stream: a piece is encoded while the server reads the previous one. */
const PIECE_ROWS = 2000

function* encoded(chunks: readonly (readonly ValidRecord[])[]): Generator<string> {
  for (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += PIECE_ROWS) yield copyText(chunk.slice(start, start + PIECE_ROWS))
  }
}
