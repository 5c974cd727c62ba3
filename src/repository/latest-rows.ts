import { type SQL, sql } from 'drizzle-orm'
import { readChunkTables } from '../catalog/index.ts'
import { textArrayLiteral } from '../internal/pg-array-literal.ts'
import { findPgError } from '../internal/pg-error.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { invalid, isPlainObject, kindOf } from '../validation/invalid.ts'
import { validateInteger, validateOptions } from '../validation/validate-options.ts'
import { checkWhere, typedValue } from './read-filter.ts'
import { licenseOf } from './require-timescale-license.ts'
import { decodeRow, rowSelect } from './row-select.ts'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/** Most keys one `latest` call takes, and most rows it returns. */
export const MAX_LATEST_ROWS = 100_000

/*
 * The newest row of each series (the `by` columns: by default the key without its time column).
 * Given keys: one array parameter per `by` column, unnested with ordinality, each key looked up by
 * a LATERAL `ORDER BY time DESC LIMIT 1` index probe. Every key: the distinct keys are found by a
 * recursive skip over the index of each chunk table (each step the next key after the previous
 * one: one index probe per key and chunk that holds it, instead of reading every row as DISTINCT
 * ON does), then each is looked up the same way; with the Timescale license and one `by` column,
 * TimescaleDB's SkipScan does the same inside one plan. Both need an index that starts with the
 * `by` columns (a primary key (key, time) is one). `since` bounds the chunks read. BENCHMARKS.md
 * compares them with DISTINCT ON.
 */
export async function latestRows<R>(db: AnyPgDatabase, shape: TableShape, query: unknown, operation = 'latest'): Promise<R[]> {
  const q = validateOptions(query, ['by', 'keys', 'where', 'since', 'limit'], 'query')
  const by = byColumns(shape, q.by)
  const limit = validateInteger(q.limit, 'limit', 1, MAX_LATEST_ROWS, 10_000)
  const limitText = sql.raw(String(limit))
  const time = shape.columns[shape.time] as ShapeColumn
  const timeName = sql.identifier(time.name)
  const conditions = checkWhere(shape, q.where)
  if (q.since !== undefined) conditions.push(sql`${timeName} >= ${typedValue(time, time.codec.encode(q.since, 'since') as string)}`)
  const extra = conditions.length === 0 ? sql`` : sql` and ${sql.join(conditions, sql` and `)}`
  const names = by.map((c) => sql.identifier(c.name))
  const keyAliases = by.map((_, i) => sql.raw(`__dts_k${i}`))
  const matchKey = sql.join(
    by.map((c, i) => sql`${sql.identifier(c.name)} = k.${keyAliases[i] as SQL}`),
    sql` and `,
  )
  const lookup = sql`cross join lateral (
      select ${rowSelect(shape)} from ${shape.table} d where ${matchKey}${extra} order by d.${timeName} desc limit 1) r`
  let statement: SQL | (() => Promise<SQL | null>)
  if (q.keys !== undefined) {
    const keys = checkKeys(by, q.keys)
    if (keys.length === 0) return []
    const arrays = by.map((c, i) => sql`${textArrayLiteral(keys.map((k) => k[i] as string))}::text::${sql.raw(c.codec.sqlType)}[]`)
    statement = sql`select r.* from unnest(${sql.join(arrays, sql`, `)}) with ordinality as k(${sql.join(keyAliases, sql`, `)}, __dts_ord)
      ${lookup} order by k.__dts_ord limit ${limit}`
  } else if (by.length === 1 && (await hasSkipScan(db))) {
    // The limit (a checked integer) is written into the text here and below: with no `where` or
    // `since` the statement then has no parameters, and its plan (the skip over every chunk: ~20 ms
    // to plan for 180 chunks on 2.19) is made once per connection (and chunk list) instead of on
    // every call (docs/performance.md).
    // TimescaleDB's SkipScan (Timescale license) reads the distinct keys of each chunk's index
    // with one probe per key and chunk that holds it, as the skip below does chunk by chunk, in
    // one plan: no chunk list first. Measured in BENCHMARKS.md (declared.*.latest-all).
    const [name] = names
    statement = sql`with k(__dts_k0) as (select distinct ${name} from ${shape.table} where ${name} is not null${extra})
      select r.* from k ${lookup} order by k.__dts_k0 limit ${limitText}`
  } else {
    // The distinct keys by a recursive skip over an index starting with the `by` columns: each
    // step is the next key after the previous one. Run on each chunk table by itself, a chunk is
    // probed once per key it holds; on the hypertable, each step probes every chunk (a key that
    // lives in a few chunks of many costs a probe in all of them). The hypertable as a whole
    // where the planner excludes most chunks (`since`: measured 8x DISTINCT ON that way, 3x
    // through the chunk list, which costs a round trip), or where compression is enabled (a
    // compressed chunk has no such index).
    const skip = (table: SQL) => {
      const firstStep = sql`select ${sql.join(names, sql`, `)} from ${table} where ${sql.join(
        names.map((n) => sql`${n} is not null`),
        sql` and `,
      )}${extra} order by ${sql.join(names, sql`, `)} limit 1`
      const nextStep = sql`select ${sql.join(names, sql`, `)} from ${table}
      where (${sql.join(names, sql`, `)}) > (${sql.join(
        keyAliases.map((a) => sql`s.${a}`),
        sql`, `,
      )})${extra} order by ${sql.join(names, sql`, `)} limit 1`
      return sql`with recursive k(${sql.join(keyAliases, sql`, `)}) as ((${firstStep}) union all select n.* from k s cross join lateral (${nextStep}) n)
        select * from k`
    }
    const withKeys = (keys: SQL) =>
      sql`with k as (${keys}) select r.* from k ${lookup} order by ${sql.join(
        keyAliases.map((a) => sql`k.${a}`),
        sql`, `,
      )} limit ${limitText}`
    if (q.since !== undefined) statement = withKeys(skip(shape.table))
    else
      statement = async () => {
        const { compression, chunks } = await readChunkTables(db, shape.tableText)
        if (chunks.length === 0) return null
        if (compression) return withKeys(skip(shape.table))
        return withKeys(
          sql`select distinct * from (${sql.join(
            chunks.map((c) => sql`(${skip(sql`${sql.identifier(c.schema)}.${sql.identifier(c.name)}`)})`),
            sql` union all `,
          )}) u`,
        )
      }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const query = typeof statement === 'function' ? await statement() : statement
      if (query === null) return []
      const rows = await queryRows(db, query)
      return rows.map((row) => decodeRow<R>(shape, row))
    } catch (error) {
      // A chunk dropped (a retention policy, drop_chunks) between the listing and the read: list again.
      if (typeof statement === 'function' && attempt < 3 && findPgError(error)?.code === '42P01') continue
      throw toTimescaleError(error, { operation })
    }
  }
}

const skipScan = new WeakMap<object, Promise<boolean>>()

/** Whether the server plans DISTINCT with TimescaleDB's SkipScan: the Timescale license (asked once per database object). */
function hasSkipScan(db: AnyPgDatabase): Promise<boolean> {
  let known = skipScan.get(db)
  if (!known) {
    known = licenseOf(db).then(
      (license) => license === 'timescale',
      () => false,
    )
    skipScan.set(db, known)
  }
  return known
}

function byColumns(shape: TableShape, input: unknown): ShapeColumn[] {
  if (input === undefined) {
    const key = shape.key.filter((i) => i !== shape.time).map((i) => shape.columns[i] as ShapeColumn)
    if (key.length === 0) {
      throw invalid('by', `is required: ${shape.name} has no key besides its time column (name the columns a series is identified by)`)
    }
    return key
  }
  if (!Array.isArray(input) || input.length === 0) throw invalid('by', `must be a non-empty array of column keys, not ${kindOf(input)}`)
  return input.map((key, i) => {
    const column = shape.columns.find((c) => c.key === key)
    if (!column) throw invalid(`by[${i}]`, `is not a column of ${shape.name}`)
    if (column === shape.columns[shape.time]) throw invalid(`by[${i}]`, 'must not be the time column')
    return column
  })
}

/** Keys as texts per `by` column: plain values for one column, objects of the `by` keys for several. */
function checkKeys(by: ShapeColumn[], input: unknown): string[][] {
  if (!Array.isArray(input) || input.length > MAX_LATEST_ROWS) throw invalid('keys', `must be an array of at most ${MAX_LATEST_ROWS} keys`)
  const seen = new Set<string>()
  const out: string[][] = []
  input.forEach((key, i) => {
    let texts: string[]
    if (by.length === 1 && !isPlainObject(key)) texts = [by[0]?.codec.encode(key, `keys[${i}]`) as string]
    else {
      if (!isPlainObject(key)) throw invalid(`keys[${i}]`, `must be an object of ${by.map((c) => c.key).join(', ')}`)
      texts = by.map((c) => {
        const value = key[c.key]
        if (value === undefined || value === null) throw invalid(`keys[${i}].${c.key}`, 'is required')
        return c.codec.encode(value, `keys[${i}].${c.key}`) as string
      })
    }
    const id = texts.join('\u0000')
    if (!seen.has(id)) {
      seen.add(id)
      out.push(texts)
    }
  })
  return out
}
