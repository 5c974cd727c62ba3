import { findPgError } from '../internal/pg-error.ts'

/*
 * The fallback policy of the plain-COPY paths (postgres.js's COPY FROM STDIN, PGlite's COPY from
 * a Blob), in one place. A plain COPY is the fastest write when every key is new, and it is one
 * statement, so when a key exists it fails with a unique violation (23505) having written nothing
 * and the rows go through an upsert instead. The failed COPY costs the rows it had taken and one
 * ERROR line in the server log, so after a conflict the next calls on that client go straight to
 * the upsert, trying COPY again every RETRY_COPY_EVERY calls.
 */
const RETRY_COPY_EVERY = 16
const upsertOnlyCalls = new WeakMap<object, number>()

/**
 * Runs `copy` on `client` unless a recent conflict there says it would fail: `true` when it
 * wrote the rows, `false` when the caller must upsert them (nothing was written). Any other
 * failure is thrown.
 */
export async function plainCopyFirst(client: object, copy: () => Promise<unknown>): Promise<boolean> {
  const skip = upsertOnlyCalls.get(client) ?? 0
  if (skip > 0) {
    upsertOnlyCalls.set(client, skip - 1)
    return false
  }
  try {
    await copy()
    return true
  } catch (error) {
    if (findPgError(error)?.code !== '23505') throw error
    upsertOnlyCalls.set(client, RETRY_COPY_EVERY)
    return false
  }
}
