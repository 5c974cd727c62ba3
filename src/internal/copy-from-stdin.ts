import type postgres from 'postgres'

/** postgres.js's pending query; `resolve` and `reject` are its (untyped) own properties. */
type PendingQuery = ReturnType<postgres.Sql['unsafe']> & { resolve: (value: unknown) => void; reject: (error: unknown) => void }

/**
 * Runs `statement`, a `COPY ... FROM STDIN`, and streams `pieces` into it one at a time: the next
 * piece is produced (e.g. encoded) while the server still reads the previous one. Resolves when
 * the server has completed the COPY; rejects with the server's error (then no more data is sent).
 * Works on a pool (the connection takes no other query until the COPY is over) and in a transaction.
 *
 * One piece in flight at a time, handed to the socket before the next is written: once the server
 * has failed the COPY, postgres.js gives the connection to the next query, and a piece still
 * queued in the stream would reach the server inside that query's own COPY.
 */
export async function copyFromStdin(
  sql: postgres.Sql | postgres.TransactionSql,
  statement: string,
  pieces: Iterable<string | Uint8Array>,
): Promise<void> {
  // `onexecute` returning false marks the connection full (postgres.js's own begin() uses it to
  // claim its connection): on a pool, postgres.js would otherwise pipeline queries of other calls
  // onto this connection, and one sent behind the COPY would reach the server inside its data.
  const query = sql.unsafe(statement, [], { onexecute: () => false } as postgres.UnsafeQueryOptions) as PendingQuery
  // postgres.js 3.4.9 never settles the writable when the COPY fails after end() (server error,
  // cut connection): it rejects the query, which already resolved with the stream
  // (porsager/postgres#1173). Hook the rejection to learn of it.
  let failure: { error: unknown } | undefined
  const failed = new Promise<never>((_, reject) => {
    const rejectQuery = query.reject
    query.reject = (error: unknown) => {
      failure ??= { error }
      reject(error)
      rejectQuery(error)
    }
  })
  failed.catch(() => {})
  // When the server's CopyInResponse and an ErrorResponse (a pg_cancel_backend just then) arrive
  // in one read, postgres.js resolves the query with the stream and destroys it in the same tick:
  // the 'error' event (a nextTick) fires before `await query.writable()` returns, and with no
  // listener it ends the process (seen once in the cancel fault test). A listener is attached
  // where postgres.js creates the stream; the failure itself arrives through `failed`.
  const resolveQuery = query.resolve
  query.resolve = (value: unknown) => {
    if (value && typeof (value as { on?: unknown }).on === 'function') (value as NodeJS.EventEmitter).on('error', () => {})
    resolveQuery(value)
  }
  const writable = await query.writable()
  const finished = new Promise<void>((resolve, reject) => {
    writable.once('error', reject)
    writable.once('finish', resolve)
  })
  finished.catch(() => {})
  try {
    const iterator = pieces[Symbol.iterator]()
    let piece = iterator.next()
    while (!piece.done) {
      const written = new Promise<void>((resolve, reject) => {
        writable.write(piece.value, (error) => (error ? reject(error) : resolve()))
      })
      written.catch(() => {})
      piece = iterator.next()
      await Promise.race([written, failed, finished])
      if (failure) throw failure.error
    }
  } catch (error) {
    if (!failure) {
      // Producing a piece failed: abort the COPY (CopyFail) and wait for the server to give up.
      writable.destroy(error instanceof Error ? error : new Error(String(error)))
      await failed.catch(() => {})
    }
    throw error
  }
  writable.end()
  await Promise.race([finished, failed])
}
