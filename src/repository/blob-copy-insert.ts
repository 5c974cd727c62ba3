import type { BlobCopyClient } from '../internal/driver.ts'
import { copyText } from './copy-text.ts'
import { plainCopyFirst } from './plain-copy-first.ts'
import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/**
 * The embedded database's fast path, the same as copyInsert on postgres.js: one plain COPY when
 * every key is new (PGlite has no COPY FROM STDIN; its COPY reads a Blob as /dev/blob). `true`
 * when the rows were written by COPY; `false` when the caller must upsert them (see
 * plain-copy-first.ts). One statement, so all or nothing. A table without a key is always copied.
 * `client` may be a PGlite transaction's (direct compress sets its setting there first).
 * @see https://pglite.dev/docs/api#query-options
 */
export async function blobCopyInsert(
  client: Pick<BlobCopyClient, 'query'>,
  target: WriteTarget,
  chunks: readonly (readonly EncodedRow[])[],
): Promise<boolean> {
  const copy = () =>
    client.query(`copy ${target.shape.tableText} (${target.columnList}) from '/dev/blob'`, [], {
      blob: new Blob(chunks.map((chunk) => copyText(chunk, target))),
    })
  if (target.upsert !== null) return plainCopyFirst(client, copy)
  await copy()
  return true
}
