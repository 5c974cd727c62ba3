import { COPY_COLUMNS, copyText } from '../internal/copy-text.ts'
import type { BlobCopyClient } from '../internal/driver.ts'
import { findPgError } from '../internal/pg-error.ts'
import type { ValidRecord } from '../validation/index.ts'

/*
 * The embedded database's fast path, the same idea as copyInsert on postgres.js: one plain COPY
 * when every key is new (PGlite has no COPY FROM STDIN; its COPY reads a Blob as /dev/blob). One
 * statement, so all or nothing; on a unique violation (23505) it has written nothing and the
 * caller upserts the rows the portable way. After a conflict the next calls on that database go
 * straight to the upsert, trying COPY again every RETRY_COPY_EVERY calls.
 * https://pglite.dev/docs/api#query-options (blob)
 */
const RETRY_COPY_EVERY = 16
const upsertOnlyCalls = new WeakMap<BlobCopyClient, number>()

/** `true` when the rows were written by COPY; `false` when the caller must upsert them. */
export async function blobCopyInsert(client: BlobCopyClient, chunks: readonly (readonly ValidRecord[])[]): Promise<boolean> {
  const skip = upsertOnlyCalls.get(client) ?? 0
  if (skip > 0) {
    upsertOnlyCalls.set(client, skip - 1)
    return false
  }
  const blob = new Blob(chunks.map((chunk) => copyText(chunk)))
  try {
    await client.query(`copy time_series_data (${COPY_COLUMNS}) from '/dev/blob'`, [], { blob })
    return true
  } catch (error) {
    if (findPgError(error)?.code !== '23505') throw error
    upsertOnlyCalls.set(client, RETRY_COPY_EVERY)
    return false
  }
}
