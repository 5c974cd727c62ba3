import type { AnyPgDatabase } from '../internal/any-pg-database.ts'
import { blobCopyClientOf, nodePgClientOf, postgresJsClientOf } from '../internal/driver.ts'
import { blobCopyInsert } from './blob-copy-insert.ts'
import { copyInsert } from './copy-insert.ts'
import { beginGuarded, copyUpsert } from './copy-upsert.ts'
import { type NodePgClient, nodePgCopyInsert } from './node-pg-copy.ts'
import type { EncodedRow } from './table-shape.ts'
import { unnestRows } from './unnest-rows.ts'
import type { WriteTarget } from './write-target.ts'

/** How `insertManyRecords` writes the chunks (statements) of one transaction. */
export interface Writer {
  /** Which path (for tests and messages). */
  name: 'copy' | 'staging' | 'blob-copy' | 'pg-copy' | 'unnest' | 'direct-copy'
  /** Every chunk, in one transaction: all or nothing. */
  all(chunks: readonly EncodedRow[][]): Promise<void>
  /**
   * The same with one upsert statement per chunk, never a plain COPY of them all (which is one
   * statement): for rows in compressed chunks, whose statements must stay under TimescaleDB's
   * decompression limit.
   */
  upsert(chunks: readonly EncodedRow[][]): Promise<void>
}

/**
 * The one table of the write paths: the driver (and whether `db` is a transaction) and `method`
 * choose the writer.
 *
 * | database | `auto` | `copy` | `unnest` |
 * | --- | --- | --- | --- |
 * | postgres.js pool | plain COPY, staging upsert on a conflict | staging upsert | unnest |
 * | PGlite | COPY from a Blob, unnest on a conflict | refused by validation | unnest |
 * | node-postgres Pool or Client | plain COPY (pg-copy-streams), staging upsert on a conflict | staging upsert | unnest |
 * | a transaction, any other driver | unnest | refused by validation | unnest |
 *
 * unnest: one statement per chunk, several chunks in one transaction. node-postgres without
 * pg-copy-streams installed (an optional dependency) takes unnest.
 */
export function chooseWriter(db: AnyPgDatabase, target: WriteTarget, method: 'auto' | 'copy' | 'unnest'): Writer {
  const pool = postgresJsClientOf(db)
  const unnestOne = async (chunk: EncodedRow[]) => {
    await db.execute(unnestRows(target, chunk))
  }
  const unnestAll = async (chunks: readonly EncodedRow[][]) => {
    if (chunks.length === 1) return unnestOne(chunks[0] as EncodedRow[])
    const work = async (tx: AnyPgDatabase) => {
      for (const chunk of chunks) await tx.execute(unnestRows(target, chunk))
    }
    // On postgres.js, a connection lost mid-transaction must not make it send ROLLBACK (see beginGuarded).
    await (pool ? beginGuarded((callback) => db.transaction(callback), work) : db.transaction(work))
  }
  const unnest: Writer = { name: 'unnest', all: unnestAll, upsert: unnestAll }
  if (method === 'unnest') return unnest
  if (pool) {
    // A table without a key has nothing to upsert: its rows are always copied.
    const write = method === 'copy' && target.upsert !== null ? copyUpsert : copyInsert
    return {
      name: write === copyUpsert ? 'staging' : 'copy',
      all: (chunks) => write(pool, target, chunks),
      upsert: (chunks) => (target.upsert === null ? copyInsert : copyUpsert)(pool, target, chunks),
    }
  }
  const pg = nodePgClientOf(db) as NodePgClient | undefined
  if (pg) {
    return {
      name: 'pg-copy',
      all: async (chunks) => {
        if (!(await nodePgCopyInsert(pg, target, chunks, method === 'copy'))) await unnestAll(chunks)
      },
      upsert: async (chunks) => {
        if (!(await nodePgCopyInsert(pg, target, chunks, true))) await unnestAll(chunks)
      },
    }
  }
  const blob = method === 'auto' ? blobCopyClientOf(db) : undefined
  if (blob) {
    return {
      name: 'blob-copy',
      all: async (chunks) => {
        if (!(await blobCopyInsert(blob, target, chunks))) await unnestAll(chunks)
      },
      upsert: unnestAll,
    }
  }
  return unnest
}
