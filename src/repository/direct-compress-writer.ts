import type postgres from 'postgres'
import { copyFromStdin } from '../internal/copy-from-stdin.ts'
import { blobCopyClientOf, nodePgClientOf, postgresJsClientOf } from '../internal/driver.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { invalid } from '../validation/invalid.ts'
import { blobCopyInsert } from './blob-copy-insert.ts'
import type { Writer } from './choose-writer.ts'
import { copyPieces } from './copy-text.ts'
import { beginGuarded } from './copy-upsert.ts'
import { type NodePgClient, nodePgCopyWith } from './node-pg-copy.ts'
import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/** TimescaleDB compresses a COPY's batches as it reads them while this is on (2.21+). */
const DIRECT_COMPRESS = 'set local timescaledb.enable_direct_compress_copy = on'

/**
 * The writer of `insertMany(rows, { directCompress: true })` (a table without a key, checked by
 * requireDirectCompress): each transaction a plain COPY after `SET LOCAL
 * timescaledb.enable_direct_compress_copy = on`, so the setting ends with the write. A postgres.js
 * pool, PGlite, or node-postgres with pg-copy-streams; any other database is refused before
 * anything is written (the setting has no effect on an INSERT).
 * https://docs.timescale.com/api/latest/configuration/gucs/#timescaledbenable_direct_compress_copy
 */
export function directCompressWriter(db: AnyPgDatabase, target: WriteTarget): Writer {
  let all: (chunks: readonly EncodedRow[][]) => Promise<void>
  const pool = postgresJsClientOf(db)
  const pg = nodePgClientOf(db) as NodePgClient | undefined
  const blob = blobCopyClientOf(db)
  if (pool) {
    all = (chunks) =>
      beginGuarded(
        (work) => pool.begin(work),
        async (tx: postgres.TransactionSql) => {
          await tx.unsafe(DIRECT_COMPRESS)
          await copyFromStdin(tx, target.copy, copyPieces(chunks, target))
        },
      )
  } else if (pg) {
    all = async (chunks) => {
      if (!(await nodePgCopyWith(pg, target, chunks, DIRECT_COMPRESS))) {
        throw invalid('directCompress', 'needs COPY, which node-postgres has through pg-copy-streams: install it')
      }
    }
  } else if (blob) {
    all = (chunks) =>
      blob.transaction(async (tx) => {
        await tx.query(DIRECT_COMPRESS)
        await blobCopyInsert(tx, target, chunks)
      })
  } else {
    throw invalid('directCompress', 'needs COPY: a postgres.js pool, PGlite, or node-postgres with pg-copy-streams (not a transaction)')
  }
  return { name: 'direct-copy', all, upsert: all }
}
