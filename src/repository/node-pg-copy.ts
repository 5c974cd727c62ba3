import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { copyPieces } from './copy-text.ts'
import { upsertThroughStaging } from './copy-upsert.ts'
import { plainCopyFirst } from './plain-copy-first.ts'
import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/*
 * The COPY path on node-postgres, through pg-copy-streams (the ecosystem's COPY for `pg`): a plain
 * COPY of every chunk when every key is new, else COPY into the staging table and one upsert from
 * it per chunk, in one transaction. The same two steps and fallback policy as on postgres.js
 * (copy-insert.ts, copy-upsert.ts). pg-copy-streams is an optional dependency: without it,
 * node-postgres takes the portable unnest path (choose-writer.ts).
 * https://github.com/brianc/node-pg-copy-streams
 */

/** A `pg` Pool or Client: what `drizzle-orm/node-postgres` holds as `$client`. */
export interface NodePgClient {
  query(text: string): Promise<unknown>
  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads take a Submittable (the COPY stream)
  query(stream: any): any
  connect?: () => Promise<NodePgConnection>
}
interface NodePgConnection extends NodePgClient {
  release(destroy?: boolean | Error): void
}
type CopyFrom = (text: string) => NodeJS.WritableStream

let copyFromModule: Promise<CopyFrom | undefined> | undefined

/** pg-copy-streams' `from`, or `undefined` when it is not installed. */
export function loadCopyFrom(): Promise<CopyFrom | undefined> {
  copyFromModule ??= import('pg-copy-streams').then(
    (m) => (m as unknown as { from: CopyFrom }).from,
    () => undefined,
  )
  return copyFromModule
}

/**
 * Writes `chunks` with upsert semantics on node-postgres, all or nothing: a plain COPY when no
 * key exists yet, else the staging upsert. `false` when pg-copy-streams is not installed (the
 * caller takes the portable path; nothing was written).
 */
export async function nodePgCopyInsert(
  client: NodePgClient,
  target: WriteTarget,
  chunks: readonly (readonly EncodedRow[])[],
  upsertOnly = false,
): Promise<boolean> {
  const copyFrom = await loadCopyFrom()
  if (!copyFrom) return false
  await withConnection(client, async (conn) => {
    const plainCopy = () => copy(conn, copyFrom, target.copy, chunks, target)
    if (target.upsert === null) return void (await plainCopy())
    const plain = !upsertOnly && (await plainCopyFirst(client, plainCopy))
    if (plain) return
    await transaction(conn, () =>
      upsertThroughStaging(
        (text) => conn.query(text),
        (statement, rows) => copy(conn, copyFrom, statement, [rows], target),
        target,
        chunks,
      ),
    )
  })
  return true
}

/**
 * A plain COPY of `chunks` on node-postgres after `setting` (a `SET LOCAL` statement), in one
 * transaction: for a table without a key. `false` when pg-copy-streams is not installed.
 */
export async function nodePgCopyWith(
  client: NodePgClient,
  target: WriteTarget,
  chunks: readonly (readonly EncodedRow[])[],
  setting: string,
): Promise<boolean> {
  const copyFrom = await loadCopyFrom()
  if (!copyFrom) return false
  await withConnection(client, (conn) =>
    transaction(conn, async () => {
      await conn.query(setting)
      await copy(conn, copyFrom, target.copy, chunks, target)
    }),
  )
  return true
}

/** `work` between BEGIN and COMMIT on `conn`; ROLLBACK when it fails. */
async function transaction(conn: NodePgClient, work: () => Promise<void>): Promise<void> {
  await conn.query('begin')
  try {
    await work()
    await conn.query('commit')
  } catch (error) {
    await conn.query('rollback').catch(() => {})
    throw error
  }
}

async function copy(
  conn: NodePgClient,
  copyFrom: CopyFrom,
  statement: string,
  chunks: readonly (readonly EncodedRow[])[],
  target: WriteTarget,
): Promise<void> {
  await pipeline(Readable.from(copyPieces(chunks, target)), conn.query(copyFrom(statement)) as NodeJS.WritableStream)
}

/** A pool's connection for the duration of `work` (destroyed when it failed), or the Client itself. */
async function withConnection(client: NodePgClient, work: (conn: NodePgClient) => Promise<void>): Promise<void> {
  if (typeof client.connect !== 'function' || !('totalCount' in client)) return work(client)
  const conn = await client.connect()
  let failure: unknown
  try {
    await work(conn)
  } catch (error) {
    failure = error
    throw error
  } finally {
    // A connection that failed mid-COPY may be in any state: do not give it back to the pool.
    conn.release(failure === undefined ? undefined : true)
  }
}
