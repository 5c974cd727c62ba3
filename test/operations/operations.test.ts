/*
 * Operating a declared hypertable from code on every target: chunks listed, compressed,
 * decompressed and dropped by window (idempotent, rows unchanged by the first two), jobs listed,
 * paused, resumed, rescheduled and run now, and a continuous aggregate refreshed over a
 * backfilled window, batched and atomic. On the Apache edition every TSL-only call answers
 * FEATURE_NOT_LICENSED and listing and dropping work. On 2.29.2 a refresh racing the refresh
 * policy's own run (held at the materialization's lock) gets 55P03 and succeeds on a retry.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import postgres from 'postgres'
import { type ErrorCode, ErrorCodes, QueryError, ValidationError } from '../../src/errors.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { setJobsScheduled } from '../../src/jobs/set-jobs-scheduled.ts'
import {
  alterJob,
  compressChunks,
  decompressChunks,
  dropChunks,
  listChunks,
  listJobs,
  refreshContinuousAggregate,
  runJob,
} from '../../src/operations/index.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { continuousAggregate, hypertable, measure } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { pollUntilDefined } from '../support/poll-until-defined.ts'
import { targets } from '../support/targets.ts'

const readings = pgTable(
  'ops_readings',
  {
    device: text('device').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.device, t.time] })],
)
const readingsHypertable = hypertable(readings, {
  time: 'time',
  chunkInterval: '1 day',
  compression: { segmentBy: ['device'], after: '7 days' },
})
const hourly = continuousAggregate('ops_readings_hourly', {
  from: readingsHypertable,
  bucket: '1 hour',
  groupBy: ['device'],
  measures: { n: measure.count(), total: measure.sum(readings.value) },
  refresh: { startOffset: null, endOffset: '1 hour', every: '1 day' },
})

const START = Date.parse('2025-01-01T00:00:00Z')
const DAYS = 40
const rows = ['a', 'b'].flatMap((device) =>
  Array.from({ length: DAYS * 24 }, (_, i) => ({ device, time: new Date(START + i * 3_600_000).toISOString(), value: (i % 97) / 4 })),
)
const day = (n: number) => new Date(START + n * 86_400_000)

async function expectError(promise: Promise<unknown>, Kind: typeof QueryError | typeof ValidationError, code: ErrorCode, message: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Kind)
  expect((error as QueryError).code).toBe(code)
  expect((error as Error).message).toMatch(message)
}

for (const target of targets) {
  const tsl = target.license === 'timescale'
  describe(`operations on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    let url: string | undefined
    const digest = async () =>
      (await queryRows<{ n: number; total: number }>(db, sql`select count(*)::int as n, sum(value)::float8 as total from ops_readings`))[0]
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      url = t.url
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(
        sql`create table ops_readings (device text not null, time timestamptz not null, value double precision not null, primary key (device, time))`,
      )
      await applyDeclarations(db, [readingsHypertable, hourly])
      // This test owns the chunks: the policies wait until it resumes them.
      await setJobsScheduled(db, false)
      await timescale(db, readingsHypertable).insertMany(rows)
    }, 60_000)
    afterAll(() => close())

    test('listChunks: every day a chunk, oldest first, with sizes; a window takes whole chunks', async () => {
      const all = await listChunks(db, readingsHypertable)
      expect(all).toHaveLength(DAYS)
      expect(all[0]?.rangeStart).toBe('2025-01-01T00:00:00.000000Z')
      expect(all[DAYS - 1]?.rangeEnd).toBe('2025-02-10T00:00:00.000000Z')
      expect(all.every((c) => !c.compressed && (c.totalBytes ?? 0) > 0 && c.partitions.length === 0)).toBe(true)
      const window = await listChunks(db, 'ops_readings', { newerThan: day(10), olderThan: '2025-01-21T00:00:00Z' })
      expect(window.map((c) => c.rangeStart)).toEqual(all.slice(10, 20).map((c) => c.rangeStart))
      // An interval is before now: everything here is older than a day.
      expect(await listChunks(db, readings, { olderThan: '1 day' })).toHaveLength(DAYS)
      await expectError(
        listChunks(db, 'no_such_table'),
        ValidationError,
        ErrorCodes.VALIDATION,
        /^table public\.no_such_table is not a hypertable/,
      )
      await expectError(
        listChunks(db, readings, { olderThan: 7 }),
        ValidationError,
        ErrorCodes.VALIDATION,
        /^olderThan must be an interval or an instant/,
      )
    })

    if (!tsl) {
      test('Apache: compressing, decompressing and refreshing answer FEATURE_NOT_LICENSED with what works', async () => {
        await expectError(
          compressChunks(db, readings, { olderThan: day(30) }),
          QueryError,
          ErrorCodes.LICENSE,
          /listChunks and dropChunks work/,
        )
        await expectError(decompressChunks(db, readings), QueryError, ErrorCodes.LICENSE, /Timescale license/)
        await expectError(refreshContinuousAggregate(db, hourly), QueryError, ErrorCodes.LICENSE, /continuous aggregates/)
        const jobs = await listJobs(db)
        expect(jobs.filter((j) => j.id >= 1000)).toEqual([])
        await expectError(runJob(db, 1000), ValidationError, ErrorCodes.VALIDATION, /^jobId 1000 is no job/)
      })
    }

    if (tsl) {
      test('compressChunks then decompressChunks a window: idempotent, rows unchanged, sizes reported', async () => {
        const before = await digest()
        const progress: number[] = []
        const run = await compressChunks(db, readingsHypertable, { olderThan: day(30), onProgress: (done) => progress.push(done) })
        expect(run.chunks).toHaveLength(30)
        expect(run.unchanged).toBe(0)
        expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
        const again = await compressChunks(db, readingsHypertable, { olderThan: day(30) })
        expect([again.chunks.length, again.unchanged]).toEqual([0, 30])
        const chunks = await listChunks(db, readingsHypertable)
        expect(chunks.map((c) => c.compressed)).toEqual(Array.from({ length: DAYS }, (_, i) => i < 30))
        const first = chunks[0]
        expect(first?.beforeCompressionBytes).toBeGreaterThan(0)
        expect(first?.afterCompressionBytes).toBeGreaterThan(0)
        expect(await digest()).toEqual(before)

        const back = await decompressChunks(db, readingsHypertable, { newerThan: day(10), olderThan: day(20) })
        expect(back.chunks).toEqual(chunks.slice(10, 20).map((c) => c.chunk))
        expect((await decompressChunks(db, readingsHypertable, { newerThan: day(10), olderThan: day(20) })).unchanged).toBe(10)
        expect((await listChunks(db, readingsHypertable)).map((c) => c.compressed)).toEqual(
          Array.from({ length: DAYS }, (_, i) => i < 10 || (i >= 20 && i < 30)),
        )
        expect(await digest()).toEqual(before)
      })

      if (target.kind === 'native') {
        test('a chunk a policy compresses between the listing and its turn is counted unchanged, not a failure', async () => {
          // What the compression policy running at the same time does: compressChunks listed the
          // chunk uncompressed; the policy took it first; TimescaleDB raised 42710 "already
          // compressed" for it even with if_not_columnstore (it reads the flag before waiting for the
          // chunk's lock). Staged with locks, not timing: the first session holds ours at the second
          // chunk while the second session compresses the third, uncommitted, so ours reads the third
          // uncompressed and waits for it.
          const before = await digest()
          const window = { newerThan: day(10), olderThan: day(20) }
          const listed = (await listChunks(db, readingsHypertable, window)).map((c) => c.chunk)
          expect(listed).toHaveLength(10)
          const [, second, third] = listed as [string, string, string]
          const sessions = postgres(url as string, { max: 3, onnotice: () => {} })
          const waitingOn = (chunk: string) =>
            pollUntilDefined(`compressChunks waiting for ${chunk}`, async () => {
              const [row] = await sessions`select count(*)::int as n from pg_locks where relation = ${chunk}::regclass and not granted`
              return (row?.n ?? 0) > 0 ? true : undefined
            })
          try {
            const gate = await sessions.reserve()
            const policy = await sessions.reserve()
            await gate`begin`
            await gate.unsafe(`lock table ${second} in row share mode`)
            const ours = compressChunks(db, readingsHypertable, window)
            await waitingOn(second)
            await policy`begin`
            await policy`select compress_chunk(${third}::regclass)`
            await gate`commit`
            await waitingOn(third)
            await policy`commit`
            gate.release()
            policy.release()
            const run = await ours
            expect(run.chunks).toEqual(listed.filter((c) => c !== third))
            expect(run.unchanged).toBe(1)
          } finally {
            await sessions.end({ timeout: 5 })
          }
          expect((await listChunks(db, readingsHypertable, window)).every((c) => c.compressed)).toBe(true)
          expect(await digest()).toEqual(before)
        })
      }

      test('jobs: listed by target, paused, resumed, rescheduled, run now', async () => {
        const [compression] = await listJobs(db, { target: readingsHypertable })
        expect(compression?.procName).toBe('policy_compression')
        const [refresh] = await listJobs(db, { target: hourly })
        expect(refresh?.procName).toBe('policy_refresh_continuous_aggregate')
        const id = compression?.id as number
        expect((await alterJob(db, id, { scheduleInterval: '2 hours' })).schedule).toBe('02:00:00')
        expect((await alterJob(db, id, { scheduled: true, nextStart: '2100-01-01T00:00:00Z' })).scheduled).toBe(true)
        expect((await alterJob(db, id, { scheduled: false })).scheduled).toBe(false)
        // Run now: the policy compresses every chunk older than 7 days (all of 2025's).
        const { job } = await runJob(db, id)
        expect(job.scheduled).toBe(false)
        expect((await listChunks(db, readingsHypertable)).every((c) => c.compressed)).toBe(true)
        await expectError(alterJob(db, id, {}), ValidationError, ErrorCodes.VALIDATION, /^changes must name/)
        await expectError(alterJob(db, id, { scheduleInterval: 'soon' }), ValidationError, ErrorCodes.VALIDATION, /^scheduleInterval/)
      })

      test('refreshContinuousAggregate over a backfilled window, batched and atomic', async () => {
        const sumOf = async (from: string, to: string) =>
          (
            await queryRows<{ n: number; total: number }>(
              db,
              sql`select sum(n)::int as n, sum(total)::float8 as total from ops_readings_hourly where bucket >= ${from}::timestamptz and bucket < ${to}::timestamptz`,
            )
          )[0]
        const first = await refreshContinuousAggregate(db, hourly)
        expect(first.attempts).toBe(1)
        expect(first.watermark).toBe('2025-02-10T00:00:00.000000Z')
        expect(await sumOf('2025-01-01T00:00:00Z', '2025-02-10T00:00:00Z')).toEqual(await digest())
        // A backfill into compressed chunks of January: the aggregate does not see it until refreshed.
        await timescale(db, readingsHypertable).insertMany([
          { device: 'c', time: '2025-01-05T10:30:00Z', value: 1000 },
          { device: 'c', time: '2025-01-25T10:30:00Z', value: 2000 },
        ])
        expect((await sumOf('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'))?.total).toBe(
          rows.filter((r) => r.time < '2025-02').reduce((s, r) => s + r.value, 0),
        )
        await refreshContinuousAggregate(db, 'ops_readings_hourly', { from: '2025-01-01T00:00:00Z', to: '2025-01-15T00:00:00Z' })
        await refreshContinuousAggregate(db, hourly, { from: day(15), to: day(31), atomic: true })
        expect(await sumOf('2025-01-01T00:00:00Z', '2025-02-10T00:00:00Z')).toEqual(await digest())
        if (target.version.startsWith('2.29')) {
          await refreshContinuousAggregate(db, hourly, { from: day(0), to: day(40), bucketsPerBatch: 24, newestFirst: true, force: true })
          expect(await sumOf('2025-01-01T00:00:00Z', '2025-02-10T00:00:00Z')).toEqual(await digest())
        } else {
          await expectError(
            refreshContinuousAggregate(db, hourly, { from: day(0), to: day(40), bucketsPerBatch: 24 }),
            ValidationError,
            ErrorCodes.VALIDATION,
            /^bucketsPerBatch needs TimescaleDB 2.28/,
          )
        }
        await expectError(refreshContinuousAggregate(db, hourly, { from: 'yesterday' }), ValidationError, ErrorCodes.VALIDATION, /^from /)
        await expectError(refreshContinuousAggregate(db, readings), ValidationError, ErrorCodes.VALIDATION, /no continuous aggregate/)
      })

      if (target.kind === 'native' && target.version.startsWith('2.29')) {
        test('a refresh racing the refresh policy run (55P03) succeeds on a retry', async () => {
          const other = postgres(url as string, { max: 2, onnotice: () => {} })
          try {
            const [mat] = await other`select format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name) as name
              from timescaledb_information.continuous_aggregates where view_name = 'ops_readings_hourly'`
            const [policy] = await listJobs(db, { target: hourly })
            // One batch: the policy's run registers its whole window at once (2.28+ batches newest first).
            await other`select alter_job(${policy?.id as number}::int,
              config => (select config from timescaledb_information.jobs where job_id = ${policy?.id as number}) || '{"buckets_per_batch": 0}')`
            // Something for the policy to materialize, so that its run reaches the materialization's lock.
            await timescale(db, readingsHypertable).insertMany([{ device: 'd', time: '2025-01-03T05:00:00Z', value: 7 }])
            const holder = await other.reserve()
            await holder`begin`
            await holder.unsafe(`lock table ${mat?.name} in share mode`)
            // The policy's run registers its window, then waits to write the materialization (SHARE blocks its DELETE and INSERT).
            const policyRun = other`call run_job(${policy?.id as number}::int)`.then(() => 'done')
            await Bun.sleep(500)
            const ours = refreshContinuousAggregate(db, hourly, { from: day(0), to: day(40), force: true })
            await Bun.sleep(1_000)
            await holder`commit`
            holder.release()
            const result = await ours
            expect(await policyRun).toBe('done')
            expect(result.attempts).toBeGreaterThan(1)
            expect(result.watermark).not.toBeNull()
          } finally {
            await other.end({ timeout: 5 })
          }
        }, 60_000)
      }
    }

    test('dropChunks: a window, oldest first, idempotent; no window is refused', async () => {
      const before = await listChunks(db, readingsHypertable)
      const run = await dropChunks(db, readingsHypertable, { olderThan: day(5) })
      expect(run.chunks.sort()).toEqual(
        before
          .slice(0, 5)
          .map((c) => c.chunk)
          .sort(),
      )
      expect((await dropChunks(db, readingsHypertable, { olderThan: day(5) })).chunks).toEqual([])
      const newest = await dropChunks(db, 'public.ops_readings', { newerThan: day(38) })
      expect(newest.chunks.sort()).toEqual(
        before
          .slice(38)
          .map((c) => c.chunk)
          .sort(),
      )
      const left = await queryRows<{ first: string; last: string }>(
        db,
        sql`select min(time)::text as first, max(time)::text as last from ops_readings where device in ('a', 'b')`,
      )
      expect(new Date(left[0]?.first as string).toISOString()).toBe('2025-01-06T00:00:00.000Z')
      expect(new Date(left[0]?.last as string).toISOString()).toBe('2025-02-07T23:00:00.000Z')
      await expectError(
        dropChunks(db, readingsHypertable, {}),
        ValidationError,
        ErrorCodes.VALIDATION,
        /^olderThan or newerThan must be given/,
      )
    })
  })
}
