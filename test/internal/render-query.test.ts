/*
 * renderQuery gives exactly Drizzle's PostgreSQL rendering (text and parameters) for the pieces it
 * renders itself, and hands everything else to Drizzle: compared piece by piece and on the
 * package's own bucket statements.
 */
import { describe, expect, test } from 'bun:test'
import { type SQL, sql } from 'drizzle-orm'
import { alias, doublePrecision, PgDialect, pgSchema, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { renderQuery } from '../../src/internal/render-query.ts'
import { checkBucketQuery, rawBuckets } from '../../src/repository/bucket-rows.ts'
import { tableShape } from '../../src/repository/table-shape.ts'
import { hypertable, measure } from '../../src/toolkit/index.ts'

const dialect = new PgDialect()
const readings = pgTable(
  'render_readings',
  {
    device: text('device').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    value: doublePrecision('value'),
  },
  (t) => [primaryKey({ columns: [t.device, t.time] })],
)
const other = pgSchema('we"ird').table('t"x', { id: text('id') })

const same = (query: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(query)
  const ours = renderQuery(query)
  expect({ sql: ours.sql, params: ours.params }).toEqual({ sql: text, params })
}

describe('renderQuery', () => {
  test('templates, nesting, joins, identifiers, raw text and every primitive value: as Drizzle renders them', () => {
    const nested = sql`select ${sql.identifier('a"b')}, ${sql.raw('count(*)')} from ${readings} where x = ${"it's"} and y = ${42}`
    same(nested)
    same(
      sql`with w as (${nested}) select ${sql.join([sql`${1}`, sql`${null}`, sql`${true}`, sql`${12345678901234567890n}`], sql`, `)} from w`,
    )
    same(sql`${undefined}select 1${undefined}`)
    same(sql``)
    same(sql.join([sql`a = ${'x'}`, sql.raw('b'), sql`c = ${2.5}`], sql` and `))
    same(sql`select * from ${other} where ${sql.identifier('id')} = ${'1'}`)
    const rendered = renderQuery(sql`select ${sql.identifier('v')} from ${readings} where a = ${'x'} and b = ${'y'}`)
    expect(rendered).toEqual({ sql: 'select "v" from "render_readings" where a = $1 and b = $2', params: ['x', 'y'] })
  })

  test('what it does not render itself goes to Drizzle whole: arrays, columns, aliases, inlined parameters, dates', () => {
    same(sql`select ${readings.device} from ${readings} where ${readings.time} > ${'2026-01-01'}`)
    same(sql`select * from ${alias(readings, 'r')} where a in ${['x', 'y']}`)
    same(sql`select ${'x'}`.inlineParams())
    same(sql`select ${sql`${'a'}`.inlineParams()}, ${'b'}`)
    same(sql`select ${new Date(0)}::timestamptz, ${'b'}`)
  })

  test("the package's own statements: raw buckets with filters, group-by and measures", () => {
    const declared = hypertable(readings, { time: 'time', chunkInterval: '1 day' })
    const shape = tableShape(declared)
    const q = checkBucketQuery(shape, readings, {
      width: '1 hour',
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T00:00:00Z',
      where: { device: ['a', 'b'] },
      groupBy: ['device'],
      measures: { n: measure.count(), high: measure.max(readings.value), mean: measure.avg(readings.value) },
      timeZone: 'Europe/Berlin',
    })
    same(rawBuckets(shape, q))
    expect(renderQuery(rawBuckets(shape, q)).params.length).toBeGreaterThan(3)
  })
})
