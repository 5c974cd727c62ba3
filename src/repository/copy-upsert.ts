import { PgDialect } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import { ErrorCodes } from '../errors.ts'
import { copyFromStdin } from '../internal/copy-from-stdin.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { copyText } from './copy-text.ts'
import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/*
 * The fast ingest path on postgres.js: COPY each chunk into a temporary staging table, then one
 * `INSERT ... SELECT ... ON CONFLICT` from it into the hypertable. COPY moves the rows with no
 * per-row parsing of parameters; the upsert then runs as a single set operation.
 * https://docs.timescale.com/use-timescale/latest/write-data/upsert/
 */

// Created once per connection (a temporary table lives as long as its session), emptied at
// every commit. The check and the CREATE run inside the caller's transaction, so this also
// works behind a transaction-mode pooler. A DO block avoids the NOTICE of CREATE ... IF NOT EXISTS.
// With the table's defaults: a column a write leaves to its default is not null in the staging
// table either.
const staged = new WeakMap<WriteTarget, { ensure: string; copy: string; upsert: string }>()

function stagingStatements(target: WriteTarget): { ensure: string; copy: string; upsert: string } {
  let statements = staged.get(target)
  if (!statements) {
    const { staging, tableText } = target.shape
    statements = {
      ensure: `do $$ begin
  if to_regclass('pg_temp.${staging}') is null then
    create temporary table ${staging} (like ${tableText} including defaults) on commit delete rows;
  end if;
end $$`,
      copy: `copy ${staging} (${target.columnList}) from stdin`,
      upsert: `insert into ${tableText} (${target.columnList})
  select ${target.columnList} from ${staging} ${target.upsert ? new PgDialect().sqlToQuery(target.upsert).sql : ''}`,
    }
    staged.set(target, statements)
  }
  return statements
}

/**
 * Upserts `chunks` in ONE transaction on one pooled connection: for each chunk, COPY into the
 * staging table, upsert from it, empty it. All or nothing.
 */
export async function copyUpsert(sql: postgres.Sql, target: WriteTarget, chunks: readonly (readonly EncodedRow[])[]): Promise<void> {
  await beginGuarded(
    (work) => sql.begin(work),
    (tx: postgres.TransactionSql) =>
      upsertThroughStaging(
        (text) => tx.unsafe(text),
        (statement, rows) => copyFromStdin(tx, statement, [copyText(rows, target)]),
        target,
        chunks,
      ),
  )
}

/**
 * The staging steps inside a transaction the caller opened, whatever the driver: make sure the
 * session's staging table exists, then for each chunk COPY it there (`copy` runs the given
 * `COPY ... FROM STDIN`), upsert from it into the hypertable, and empty it before the next.
 */
export async function upsertThroughStaging(
  query: (text: string) => Promise<unknown>,
  copy: (statement: string, rows: readonly EncodedRow[]) => Promise<unknown>,
  target: WriteTarget,
  chunks: readonly (readonly EncodedRow[])[],
): Promise<void> {
  const statements = stagingStatements(target)
  await query(statements.ensure)
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0) await query(`truncate ${target.shape.staging}`)
    await copy(statements.copy, chunk)
    await query(statements.upsert)
  }
}

/**
 * Runs `work` in a postgres.js transaction opened by `begin` (`sql.begin`, or Drizzle's
 * `db.transaction` on postgres.js), guarded against porsager/postgres#1208: when the connection
 * dies in the transaction, postgres.js 3.4.9 rejects `begin()` with the close error and then
 * sends ROLLBACK from `begin()`'s own catch on the dead connection, an uncaught TypeError from a
 * setImmediate that ends the process (or, once the connection object reconnected for another
 * query, a ROLLBACK in someone else's session). The server has rolled back already, so after a
 * lost connection `work`'s callback never settles once `begin()` has; if `begin()` has not
 * settled within 10 s (the connection was not closed after all), the error goes on.
 */
export async function beginGuarded<Tx, R>(
  begin: (callback: (tx: Tx) => Promise<R>) => Promise<R>,
  work: (tx: Tx) => Promise<R>,
): Promise<R> {
  let ended = () => {}
  const transactionEnded = new Promise<void>((resolve) => {
    ended = resolve
  })
  const transaction = begin(async (tx) => {
    try {
      return await work(tx)
    } catch (error) {
      if (toTimescaleError(error).code === ErrorCodes.CONNECTION) await neverAfter(transactionEnded)
      throw error
    }
  })
  return transaction.finally(ended)
}

async function neverAfter(transactionEnded: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const grace = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), 10_000)
    timer.unref?.()
  })
  const first = await Promise.race([transactionEnded.then(() => 'ended' as const), grace])
  clearTimeout(timer)
  if (first === 'ended') await new Promise<never>(() => {})
}
