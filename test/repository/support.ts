import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'

/** The same database, counting the statements sent through it and the rows each returned. */
export function counting(db: AnyPgDatabase): { db: AnyPgDatabase; statements: number; rowsPerStatement: number[] } {
  const stats = { db, statements: 0, rowsPerStatement: [] as number[] }
  stats.db = new Proxy(db, {
    get(target, prop) {
      if (prop === 'execute') {
        return async (query: SQL) => {
          stats.statements++
          const result: unknown = await target.execute(query)
          const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])
          stats.rowsPerStatement.push(rows.length)
          return result
        }
      }
      if (prop === 'transaction') stats.statements++
      // A postgres.js pool: the repository runs its reads on it directly (prepared statements).
      if (prop === '$client' && typeof Reflect.get(target, prop) === 'function') {
        const pool = Reflect.get(target, prop) as object
        return new Proxy(pool, {
          get(client, key) {
            const member = Reflect.get(client, key)
            if (key !== 'unsafe' || typeof member !== 'function') return typeof member === 'function' ? member.bind(client) : member
            // The pending query itself goes back (a COPY needs its writable()); rows are counted when awaited.
            return (...args: unknown[]) => {
              stats.statements++
              const query = member.apply(client, args) as Promise<unknown>
              const then = query.then.bind(query)
              // biome-ignore lint/suspicious/noThenProperty: the spy wraps a query's own then() to count rows.
              query.then = ((ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) =>
                then((rows) => {
                  if (Array.isArray(rows)) stats.rowsPerStatement.push(rows.length)
                  return ok ? ok(rows) : rows
                }, fail)) as typeof query.then
              return query
            }
          },
        })
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return stats
}

/** Row count and an md5 over every row of `time_series_data` of the given entities (all when omitted). */
export async function snapshot(db: AnyPgDatabase, entityIds?: string[]): Promise<{ rows: number; md5: string | null }> {
  const filter = entityIds ? sql`where entity_id = any(string_to_array(${entityIds.join('\u0001')}, chr(1)))` : sql``
  const [row] = await queryRows<{ rows: number; md5: string | null }>(
    db,
    sql`select count(*)::int as rows, md5(string_agg(concat_ws('|', entity_id, time::text, value::text, value2::text,
          value3::text, value4::text, metadata::text), E'\n' order by entity_id, time)) as md5
        from time_series_data ${filter}`,
  )
  return { rows: Number(row?.rows), md5: row?.md5 ?? null }
}

/** Number of rows of an entity in `time_series_data`. */
export async function countRows(db: AnyPgDatabase, entityId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from time_series_data where entity_id = ${entityId}`)
  return Number(row?.n)
}

/** Canonical UTC text of `base` + `seconds` + `micros`. */
export function at(base: string, seconds: number, micros = 0): string {
  const ms = Date.parse(base) + seconds * 1000
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`
}
