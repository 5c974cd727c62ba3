/*
 * On the embedded database, a read without parameters runs as a prepared statement (SQL's PREPARE
 * and EXECUTE) and keeps its plan; it still sees chunks created and dropped after it was prepared,
 * a table's new columns, and survives DEALLOCATE ALL; at most 64 are kept; a read with parameters
 * is not prepared. Each answer is compared with what the rows written make it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { createTestDatabase } from '../../src/testing/index.ts'
import { hypertable } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'

const readings = pgTable(
  'prepared_readings',
  {
    device: text('device').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.device, t.time] })],
)
const readingsHypertable = hypertable(readings, { time: 'time', chunkInterval: '1 day' })

describe('reads without parameters on the embedded database', () => {
  let db: AnyPgDatabase
  let close: () => Promise<void>
  const prepared = async () =>
    queryRows<{ statement: string; generic: number; custom: number }>(
      db,
      sql`select statement, generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements
        where name like ${'dts_read_%'} order by prepare_time`,
    )
  beforeAll(async () => {
    const t = await createTestDatabase({ migrate: false })
    db = t.db as unknown as AnyPgDatabase
    close = t.close
    await db.execute(sql`create extension if not exists timescaledb`)
    await db.execute(
      sql`create table prepared_readings (device text not null, time timestamptz not null, value double precision not null,
        primary key (device, time))`,
    )
    await applyDeclarations(db, [readingsHypertable])
    await timescale(db, readingsHypertable).insertMany([
      { device: 'a', time: '2026-01-01T00:00:00.000000Z', value: 1 },
      { device: 'b', time: '2026-01-02T00:00:00.000000Z', value: 2 },
    ])
  })
  afterAll(() => close())

  test('prepared once, its plan reused; chunks created and dropped afterwards are seen', async () => {
    const handle = timescale(db, readingsHypertable)
    const devices = async () => (await handle.latest()).map((r) => `${r.device} ${r.time} ${r.value}`)
    expect(await devices()).toEqual(['a 2026-01-01T00:00:00.000000Z 1', 'b 2026-01-02T00:00:00.000000Z 2'])
    expect(await devices()).toEqual(['a 2026-01-01T00:00:00.000000Z 1', 'b 2026-01-02T00:00:00.000000Z 2'])
    const latest = (await prepared()).filter((p) => p.statement.includes('prepared_readings'))
    expect(latest).toHaveLength(1)
    expect(latest[0]?.generic).toBeGreaterThanOrEqual(2)

    // A new chunk (2026-01-05) and a newer row of 'a' in another (2026-01-07); then the first day's chunk dropped.
    await handle.insertMany([
      { device: 'c', time: '2026-01-05T00:00:00.000000Z', value: 3 },
      { device: 'a', time: '2026-01-07T00:00:00.000000Z', value: 4 },
    ])
    expect(await devices()).toEqual([
      'a 2026-01-07T00:00:00.000000Z 4',
      'b 2026-01-02T00:00:00.000000Z 2',
      'c 2026-01-05T00:00:00.000000Z 3',
    ])
    await db.execute(sql`select drop_chunks('prepared_readings', older_than => '2026-01-03T00:00:00Z'::timestamptz)`)
    expect(await devices()).toEqual(['a 2026-01-07T00:00:00.000000Z 4', 'c 2026-01-05T00:00:00.000000Z 3'])
    expect((await prepared()).filter((p) => p.statement.includes('prepared_readings'))).toHaveLength(1)
  })

  test('a new column of the table read, and DEALLOCATE ALL: prepared again, the right rows', async () => {
    await db.execute(sql`create table prepared_plain (id int primary key)`)
    await db.execute(sql`insert into prepared_plain values (1), (2)`)
    const all = () => queryRows(db, sql`select * from prepared_plain order by id`)
    expect(await all()).toEqual([{ id: 1 }, { id: 2 }])
    await db.execute(sql`alter table prepared_plain add column note text default 'x'`)
    expect(await all()).toEqual([
      { id: 1, note: 'x' },
      { id: 2, note: 'x' },
    ])
    await db.execute(sql`deallocate all`)
    expect(await all()).toEqual([
      { id: 1, note: 'x' },
      { id: 2, note: 'x' },
    ])
  })

  test('at most 64 kept, the least recently run deallocated; a read with parameters is not prepared', async () => {
    const first = sql`select ${sql.raw('0')} as n`
    for (let n = 0; n < 100; n++) {
      expect(await queryRows(db, sql`select ${sql.raw(String(n))} as n`)).toEqual([{ n }])
      // The first statement run again each time stays among the most recent.
      expect(await queryRows(db, first)).toEqual([{ n: 0 }])
    }
    // pg_prepared_statements shows the PREPARE statement: the prepared text after its name.
    const kept = (await prepared()).map((p) => p.statement.replace(/^prepare dts_read_\d+ as /, ''))
    expect(kept).toHaveLength(64)
    expect(kept.filter((s) => s === 'select 0 as n')).toHaveLength(1)
    expect(kept).not.toContain('select 1 as n')
    expect(kept).toContain('select 99 as n')
    expect(await queryRows(db, sql`select ${7}::int as n`)).toEqual([{ n: 7 }])
    expect((await prepared()).some((p) => p.statement.includes('$1'))).toBe(false)
  })
})
