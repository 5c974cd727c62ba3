import { type SQL, sql } from 'drizzle-orm'
import { textArrayLiteral } from '../internal/pg-array-literal.ts'
import { invalid, isPlainObject, kindOf } from '../validation/invalid.ts'
import { validateLimit, validateSortOrder } from '../validation/validate-options.ts'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/** What a read of a declared table selects by: equal column values and a half-open time range. */
export interface CheckedFilter {
  /** `col = value and ...`, the time range included; never empty. */
  where: SQL
  /** The range's bounds as the time column's text. */
  from: string
  to: string
  fromSql: SQL
  toSql: SQL
}

/** A column's value as a parameter of its own type (sent as text, parsed by the server). */
export function typedValue(column: ShapeColumn, text: string): SQL {
  return sql`${text}::${sql.raw(column.codec.sqlType)}`
}

/**
 * Checks a read's `where` (column key -> a value, an array of values, or `null`) and `from`/`to`
 * (values of the time column, `from <= to`), and returns them as SQL over the table's columns.
 * Bounds are parameters of the time column's type: the planner excludes chunks outside the range
 * while planning.
 *
 * @throws {ValidationError} fields `where`, `where.<key>`, `from`, `to`.
 */
export function checkFilter(shape: TableShape, input: { where?: unknown; from?: unknown; to?: unknown }): CheckedFilter {
  const parts = checkWhere(shape, input.where)
  const time = shape.columns[shape.time] as ShapeColumn
  if (input.from === undefined || input.from === null) throw invalid('from', 'is required (the start of the range, included)')
  if (input.to === undefined || input.to === null) throw invalid('to', 'is required (the end of the range, excluded)')
  const from = time.codec.encode(input.from, 'from') as string
  const to = time.codec.encode(input.to, 'to') as string
  // Canonical texts of one type have one fixed width, so they compare as instants.
  if (from > to) throw invalid('from', 'must not be after to (the range is [from, to))')
  const timeName = sql.identifier(time.name)
  const fromSql = typedValue(time, from)
  const toSql = typedValue(time, to)
  parts.push(sql`${timeName} >= ${fromSql} and ${timeName} < ${toSql}`)
  return { where: sql.join(parts, sql` and `), from, to, fromSql, toSql }
}

/**
 * A read's `where` (column key -> a value, an array of values, or `null`) as conditions over the
 * table's columns, each value checked by its column's codec.
 *
 * @throws {ValidationError} fields `where`, `where.<key>`.
 */
export function checkWhere(shape: TableShape, where: unknown): SQL[] {
  const parts: SQL[] = []
  if (where !== undefined) {
    if (!isPlainObject(where)) throw invalid('where', `must be an object of column values, not ${kindOf(where)}`)
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) continue
      const column = shape.columns.find((c) => c.key === key)
      if (!column)
        throw invalid(`where.${key}`, `is not a column of ${shape.name} (columns: ${shape.columns.map((c) => c.key).join(', ')})`)
      const name = sql.identifier(column.name)
      if (value === null) parts.push(sql`${name} is null`)
      else if (Array.isArray(value)) {
        if (value.length === 0) throw invalid(`where.${key}`, 'must not be an empty array (it would match nothing)')
        if (value.length > 10_000) throw invalid(`where.${key}`, 'must have at most 10000 values')
        const texts = value.map((v, i) => column.codec.encode(v, `where.${key}[${i}]`))
        parts.push(sql`${name} = any(${textArrayLiteral(texts)}::text::${sql.raw(column.codec.sqlType)}[])`)
      } else parts.push(sql`${name} = ${typedValue(column, column.codec.encode(value, `where.${key}`) as string)}`)
    }
  }
  return parts
}

/** Checks `order` (`'asc' | 'desc'`, default `fallback`) and `limit` (1..10,000, default 1,000). */
export function checkPaging(
  input: { order?: unknown; limit?: unknown },
  fallback: 'asc' | 'desc',
): { order: 'asc' | 'desc'; limit: number } {
  return { order: validateSortOrder(input.order, 'order', fallback), limit: validateLimit(input.limit, 'limit', 1000) }
}
