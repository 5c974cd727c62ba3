import type { AnyPgDatabase } from './query-rows.ts'

/** A client whose COPY can read a Blob as the file /dev/blob: the embedded PGlite. */
export interface BlobCopyClient {
  query(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>
}

/**
 * The PGlite instance behind a Drizzle `drizzle-orm/pglite` database, or `undefined` for any other
 * driver and for a transaction. Duck-typed (`query`, `exec`, `dumpDataDir`), so that importing the
 * package loads no PGlite.
 */
export function blobCopyClientOf(db: AnyPgDatabase): BlobCopyClient | undefined {
  const client = (db as { $client?: unknown }).$client as Partial<Record<'query' | 'exec' | 'dumpDataDir', unknown>> | undefined
  if (!client || typeof client !== 'object') return undefined
  const ok = typeof client.query === 'function' && typeof client.exec === 'function' && typeof client.dumpDataDir === 'function'
  return ok ? (client as unknown as BlobCopyClient) : undefined
}
