import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core'
import { canonicalTextMs } from '../internal/iso-time.ts'
import type { Hypertable } from '../toolkit/hypertable.ts'
import { invalid, kindOf } from '../validation/invalid.ts'
import { type ColumnCodec, columnCodec } from './column-codec.ts'

/*
 * What the write and read engine needs of one hypertable, derived once from its declaration: the
 * columns in table order with their codecs, the key a row is identified by (the primary key, else
 * the first unique constraint; none: an append-only table), the time column, the hash-partitioned
 * column, and the row check. Every path of the engine (COPY, staging upsert, unnest, the
 * transaction plan, the reads) takes a shape; `time_series_data` is one shape among others.
 */

/** One column of a shape. */
export interface ShapeColumn {
  /** The TypeScript key (`deviceId`). */
  key: string
  /** The SQL name (`device_id`). */
  name: string
  codec: ColumnCodec
  notNull: boolean
  /** Drizzle's `$defaultFn`/`$default`, called for a row that leaves the column out. */
  clientDefault: (() => unknown) | undefined
  /** A default the server fills (`default(...)`, `defaultNow()`, `defaultRandom()`, serial). */
  serverDefault: boolean
}

/** A row checked and encoded: each column's text in the type's input form (`null` for NULL, `undefined` for left to the server's default). */
export interface EncodedRow {
  values: (string | null | undefined)[]
  /** The time column's instant, ms since the Unix epoch (wall clock as UTC for `timestamp` and `date`): its chunk slot. */
  timeMs: number
  /** The key columns' texts joined by U+0000: rows with equal keys are one row (`''` without a key). */
  key: string
  /** The hash-partitioned column's text (`''` without one). */
  part: string
}

/** A hypertable as the engine sees it. */
export interface TableShape {
  /** `schema.name`, for messages and caches. */
  name: string
  /** The table in SQL: `"name"` (found on the search path when the Drizzle table has no schema) or `"schema"."name"`. */
  table: SQL
  /** The same as text, for COPY statements and `to_regclass`. */
  tableText: string
  columns: ShapeColumn[]
  /** Indexes into `columns` of the key (empty: append-only, plain inserts). */
  key: number[]
  /** Index into `columns` of the time column. */
  time: number
  /** Index into `columns` of the hash-partitioned column, or -1. */
  partition: number
  /** The session's temporary staging table for upserts. */
  staging: string
  /** The word for a row in messages: `records` for the package's table, `rows` for others. */
  rowsName: string
  /** Checks one input row and encodes it; throws a `ValidationError` whose field names the column. */
  encode(input: unknown): EncodedRow
}

const PLAIN = /^[a-z_][a-z0-9_]*$/
/** An identifier as SQL text: bare when PostgreSQL would print it bare, else quoted. */
export const identifierText = (name: string): string => (PLAIN.test(name) ? name : `"${name.replaceAll('"', '""')}"`)

const shapes = new WeakMap<object, TableShape>()

/**
 * The shape of a declared hypertable (cached per declaration). `encode` may be given to check rows
 * in a table's own terms (the package's `time_series_data` keeps its record validation); by default
 * rows are checked column by column from the table: unknown keys, missing not-null columns, and each
 * value against its column's type.
 *
 * @throws {ValidationError} field `column` for a column type the engine cannot write (arrays).
 * @example
 * ```ts
 * const shape = tableShape(readingsHypertable)
 * shape.encode({ deviceId: 'd-1', time: new Date(), temperature: 21.5 }).key // 'd-1\u00002024-...Z'
 * ```
 */
export function tableShape(hypertable: Hypertable, encode?: (shape: TableShape) => TableShape['encode']): TableShape {
  const known = shapes.get(hypertable)
  if (known) return known
  const table = hypertable.table as PgTable
  const config = getTableConfig(table)
  const entries = Object.entries(getTableColumns(table) as Record<string, PgColumn>)
  const columns: ShapeColumn[] = entries.map(([key, column]) => {
    const c = column as PgColumn & { defaultFn?: () => unknown; default?: unknown }
    return {
      key,
      name: column.name,
      codec: columnCodec(column),
      notNull: column.notNull,
      clientDefault: c.defaultFn,
      serverDefault: column.hasDefault && c.defaultFn === undefined,
    }
  })
  const indexOfName = (name: string) => columns.findIndex((c) => c.name === name)
  const keyColumns =
    config.primaryKeys[0]?.columns ??
    (config.columns.filter((c) => c.primary).length > 0 ? config.columns.filter((c) => c.primary) : config.uniqueConstraints[0]?.columns) ??
    []
  const hash = hypertable.spec.dimensions.find((d) => 'partitions' in d)
  const tableText = config.schema ? `${identifierText(config.schema)}.${identifierText(config.name)}` : identifierText(config.name)
  // The row check needs the shape (its columns, key, time): made from it, then set.
  const shape = {
    name: hypertable.key,
    table: sql.raw(tableText),
    tableText,
    columns,
    key: keyColumns.map((c) => indexOfName(c.name)),
    time: indexOfName(hypertable.spec.time),
    partition: hash ? indexOfName(hash.column) : -1,
    staging: stagingName(config.name),
    rowsName: 'rows',
  } as TableShape
  shape.encode = encode ? encode(shape) : columnEncoder(shape)
  shapes.set(hypertable, shape)
  return shape
}

function stagingName(table: string): string {
  if (table === 'time_series_data') return 'drizzle_timescale_staging'
  // Temporary tables live in the session's own schema: one per table name is enough.
  const safe = table
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase()
    .slice(0, 40)
  let hash = 0
  for (const ch of table) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0
  return `dts_staging_${safe}_${hash.toString(36)}`
}

/** The default row check: the row's keys against the table's, each value through its column's codec. */
function columnEncoder(shape: TableShape): TableShape['encode'] {
  // A prototype-less object, not a Map: a property lookup is a third of Map.has's time, per key of every row.
  const known: Record<string, true> = Object.create(null)
  for (const c of shape.columns) known[c.key] = true
  const names = shape.columns.map((c) => c.key).join(', ')
  return (input) => {
    // Any object but an array (a class instance's own keys are its columns too).
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('row', `must be an object, not ${kindOf(input)}`)
    const row = input as Record<string, unknown>
    const keys = Object.keys(row)
    for (let k = 0; k < keys.length; k++) {
      if (known[keys[k] as string] !== true) throw invalid(keys[k] as string, `is not a column of ${shape.name} (columns: ${names})`)
    }
    const values = new Array<string | null | undefined>(shape.columns.length)
    for (let i = 0; i < shape.columns.length; i++) {
      const column = shape.columns[i] as ShapeColumn
      let value = row[column.key]
      if (value === undefined && column.clientDefault) value = column.clientDefault()
      if (value === undefined || value === null) {
        if (value === undefined && column.serverDefault) values[i] = undefined
        else if (column.notNull)
          throw invalid(column.key, `is required (${column.name} is not null${column.serverDefault ? '' : ' and has no default'})`)
        else values[i] = null
        continue
      }
      values[i] = column.codec.encode(value, column.key)
    }
    return finishRow(shape, values)
  }
}

let lastTime = ''
let lastTimeMs = 0

/** An encoded row from its values: its slot time, key and partition. */
export function finishRow(shape: TableShape, values: (string | null | undefined)[]): EncodedRow {
  const time = values[shape.time]
  const column = shape.columns[shape.time] as ShapeColumn
  if (time === null || time === undefined) throw invalid(column.key, 'is required: it is the time column of the hypertable')
  // Canonical text (the codecs of time columns write nothing else): read by character codes, once
  // for a run of rows with the same time.
  if (time !== lastTime) {
    lastTime = time
    lastTimeMs = canonicalTextMs(time)
  }
  const timeMs = lastTimeMs
  let key = ''
  for (let k = 0; k < shape.key.length; k++) {
    const value = values[shape.key[k] as number]
    if (value === undefined) {
      const keyColumn = shape.columns[shape.key[k] as number] as ShapeColumn
      throw invalid(keyColumn.key, 'is required: it is part of the key (a default cannot identify the row to update)')
    }
    key = k === 0 ? String(value) : `${key}\u0000${value}`
  }
  const part = shape.partition < 0 ? '' : String(values[shape.partition] ?? '')
  return { values, timeMs, key, part }
}

/** A column of the shape by its TypeScript key, else by its SQL name (what a file header or a command-line option may name). */
export function columnByName(shape: TableShape, name: string): ShapeColumn | undefined {
  return shape.columns.find((c) => c.key === name) ?? shape.columns.find((c) => c.name === name)
}
