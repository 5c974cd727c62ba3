import { sql } from 'drizzle-orm'
import type { AnyPgDatabase } from './any-pg-database.ts'
import { findPgError } from './pg-error.ts'

/*
 * The embedded database plans every statement it is sent: PGlite's query API has no named
 * statements. A read without parameters is the same plan on every call, so it is prepared once
 * with SQL's PREPARE and run with EXECUTE, its plan kept: `latest()` of every key over 182 chunks
 * spent 19 ms planning and 13 ms running (docs/performance.md). PostgreSQL plans it again by
 * itself when a table it reads changes (a chunk created or dropped: TimescaleDB invalidates the
 * hypertable). At most MAX_PREPARED statements per database, the least recently run deallocated.
 */
const MAX_PREPARED = 64
const READ = /^\s*(select|with)\b/i
const byClient = new WeakMap<object, Map<string, string>>()
let made = 0

/** Whether {@link embeddedPreparedRows} takes `text`: a read (SELECT or WITH) with no parameters. */
export function preparesEmbedded(text: string, params: readonly unknown[]): boolean {
  return params.length === 0 && READ.test(text)
}

/**
 * Runs `text` (a read without parameters) on `db`, the PGlite instance `client` outside a
 * transaction, as a prepared statement; returns what Drizzle's `execute` returns.
 */
export async function embeddedPreparedRows(db: AnyPgDatabase, client: object, text: string): Promise<unknown> {
  let names = byClient.get(client)
  if (!names) {
    names = new Map()
    byClient.set(client, names)
  }
  for (let attempt = 1; ; attempt++) {
    let name = names.get(text)
    if (name === undefined) {
      name = `dts_read_${++made}`
      await db.execute(sql.raw(`prepare ${name} as ${text}`))
      names.set(text, name)
      if (names.size > MAX_PREPARED) {
        const [oldest, old] = names.entries().next().value as [string, string]
        names.delete(oldest)
        await db.execute(sql.raw(`deallocate ${old}`)).catch(() => {})
      }
    } else {
      // The least recently run first: a Map keeps the order of insertion.
      names.delete(text)
      names.set(text, name)
    }
    try {
      return await db.execute(sql.raw(`execute ${name}`))
    } catch (error) {
      // Deallocated behind the package's back (DEALLOCATE ALL, DISCARD ALL), or a table it reads
      // changed its columns ("cached plan must not change result type"): prepared again.
      const pgError = findPgError(error)
      if (attempt === 1 && (pgError?.code === '26000' || /cached plan must not change result type/.test(String(pgError?.message)))) {
        names.delete(text)
        await db.execute(sql.raw(`deallocate ${name}`)).catch(() => {})
        continue
      }
      throw error
    }
  }
}
