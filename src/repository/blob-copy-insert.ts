import type { BlobCopyClient } from '../internal/driver.ts'
import type { ValidRecord } from '../validation/index.ts'
import { copyText } from './copy-text.ts'
import { plainCopyFirst } from './plain-copy-first.ts'
import { COPY_COLUMNS } from './record-columns.ts'

/**
 * The embedded database's fast path, the same as copyInsert on postgres.js: one plain COPY when
 * every key is new (PGlite has no COPY FROM STDIN; its COPY reads a Blob as /dev/blob). `true`
 * when the rows were written by COPY; `false` when the caller must upsert them (see
 * plain-copy-first.ts). One statement, so all or nothing.
 * @see https://pglite.dev/docs/api#query-options
 */
export function blobCopyInsert(client: BlobCopyClient, chunks: readonly (readonly ValidRecord[])[]): Promise<boolean> {
  return plainCopyFirst(client, () =>
    client.query(`copy time_series_data (${COPY_COLUMNS}) from '/dev/blob'`, [], {
      blob: new Blob(chunks.map((chunk) => copyText(chunk))),
    }),
  )
}
