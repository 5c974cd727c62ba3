/*
 * Years of history in one insertManyRecords call, with the package's 1-day chunks and 4 hash
 * partitions, on servers with the default max_locks_per_transaction (64): daily rows of many
 * entities, hourly rows of a few, per-minute rows of one. One transaction of it would lock
 * thousands of chunks; the same call with `atomic: true` shows that it cannot fit (SERVER_LIMIT,
 * naming the setting, nothing written), and the default call writes every row in transactions
 * of a bounded number of chunks.
 *
 * CI writes the shortest span whose one transaction overflows the target's lock table: two years
 * (about 2,900 chunks, ~130,000 rows) on the embedded database and 2.19, three (about 4,400) on the
 * 2.29 server, whose table is larger (its max_worker_processes of 48 count towards it), and
 * leaves the second write of every key to the long run. DTS_LONG=1 writes ten
 * (~14,600 chunks, ~660,000 rows), by hand. (Every minute of ten years for the per-minute entity,
 * 5.9 million rows, was tried: the in-memory embedded database grew past 16 GB and was stopped.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ErrorCodes, QueryError } from '../../src/errors.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { heavyOnce } from '../support/heavy.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

const LONG = process.env.DTS_LONG === '1'
const DAY = 86_400_000
const START = Date.parse('2015-01-01T00:00:00Z')
/** Minutes of each day the per-minute entity has: the first two hours. */
const MINUTES_A_DAY = 120

function history(DAYS: number): TimeSeriesRecord[] {
  const rows: TimeSeriesRecord[] = []
  const at = (ms: number) => new Date(ms).toISOString()
  for (let d = 0; d < DAYS; d++) {
    const day = START + d * DAY
    for (let e = 0; e < 12; e++) rows.push({ entity_id: `daily-${e}`, time: at(day + 12 * 3_600_000), value: d + e })
    for (let h = 0; h < 24; h++)
      for (let e = 0; e < 2; e++) rows.push({ entity_id: `hourly-${e}`, time: at(day + h * 3_600_000), value: h })
    for (let m = 0; m < MINUTES_A_DAY; m++) rows.push({ entity_id: 'minute-0', time: at(day + m * 60_000), value: m % 7 })
  }
  return rows
}

for (const target of targets) {
  const YEARS = LONG ? 10 : target.kind === 'native' && target.license === 'timescale' ? 3 : 2
  const DAYS = Math.round((Date.parse(`${2015 + YEARS}-01-01T00:00:00Z`) - START) / DAY)
  // Once a run, on the full-license server when there is one (heavyOnce); its small form is test/repository/hypertable-handle.test.ts's 2-year backfill.
  describe.if(heavyOnce(target, targets))(`${YEARS} years in one insertManyRecords call on ${target.name}`, () => {
    let t: TestDatabase
    const rows = history(DAYS)
    beforeAll(async () => {
      t = await target.open()
    }, 60_000)
    afterAll(() => t?.close(), 60_000)

    // Read a quarter at a time: a query without a time filter locks every chunk of the hypertable
    // while it is planned, and thousands of chunks overflow the lock table just as a write would.
    const stored = async () => {
      const by = new Map<string, { kind: string; n: number; total: number }>()
      for (let q = 0; q < YEARS * 4; q++) {
        const from = new Date(Date.UTC(2015, q * 3, 1)).toISOString()
        const to = new Date(Date.UTC(2015, q * 3 + 3, 1)).toISOString()
        const part = await queryRows<{ kind: string; n: number; total: number }>(
          t.db,
          sql`select split_part(entity_id, '-', 1) as kind, count(*)::int as n, sum(value)::float8 as total
              from time_series_data where time >= ${from}::timestamptz and time < ${to}::timestamptz group by 1`,
        )
        for (const r of part) {
          const e = by.get(r.kind) ?? { kind: r.kind, n: 0, total: 0 }
          e.n += Number(r.n)
          e.total += Number(r.total)
          by.set(r.kind, e)
        }
      }
      return [...by.values()].sort((a, b) => (a.kind < b.kind ? -1 : 1))
    }
    const expected = () => {
      const by = new Map<string, { kind: string; n: number; total: number }>()
      for (const r of rows) {
        const kind = r.entity_id.split('-')[0] as string
        const e = by.get(kind) ?? { kind, n: 0, total: 0 }
        e.n++
        e.total += r.value
        by.set(kind, e)
      }
      return [...by.values()].sort((a, b) => (a.kind < b.kind ? -1 : 1))
    }

    test(
      'with atomic: true it cannot fit in one transaction: SERVER_LIMIT names max_locks_per_transaction, nothing is written',
      async () => {
        const [setting] = await queryRows<{ v: string }>(t.db, sql`select current_setting('max_locks_per_transaction') as v`)
        expect(setting?.v).toBe('64')
        const error = await insertManyRecords(t.db, rows, { atomic: true }).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error).toBeInstanceOf(QueryError)
        expect((error as QueryError).code).toBe(ErrorCodes.SERVER_LIMIT)
        expect((error as QueryError).details.setting).toBe('max_locks_per_transaction')
        expect((error as QueryError).message).toContain('raise max_locks_per_transaction')
        expect(await stored()).toEqual([])
      },
      LONG ? 1_800_000 : 120_000,
    )

    test(
      'by default every row is written, in transactions of a bounded number of chunks',
      async () => {
        const result = await insertManyRecords(t.db, rows)
        expect(result.written).toBe(rows.length)
        // ~25 chunks a transaction: 4 partitions x 6 days, so a span of DAYS days needs about DAYS / 6.
        expect(result.transactions).toBeGreaterThanOrEqual(Math.floor(DAYS / 6))
        expect(result.transactions).toBeLessThanOrEqual(Math.ceil(DAYS / 6) + 1)
        expect(await stored()).toEqual(expected())
        const [chunks] = await queryRows<{ n: number }>(
          t.db,
          sql`select count(*)::int as n from timescaledb_information.chunks where hypertable_name = 'time_series_data'`,
        )
        expect(Number(chunks?.n)).toBeGreaterThan(DAYS * 3)
        console.log(
          `[long-spans] ${target.name}: ${rows.length} rows over ${DAYS} days, ${chunks?.n} chunks, ` +
            `${result.transactions} transactions, ${(result.durationMs / 1000).toFixed(1)} s`,
        )
      },
      LONG ? 3_600_000 : 180_000,
    )

    test.if(LONG)(
      'the same call again (every key exists) upserts every row with the new values',
      async () => {
        for (const r of rows) r.value += 1
        const result = await insertManyRecords(t.db, rows)
        expect(result.written).toBe(rows.length)
        expect(await stored()).toEqual(expected())
      },
      LONG ? 3_600_000 : 180_000,
    )
  })
}
