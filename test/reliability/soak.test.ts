/*
 * Writers beside the scheduler, on the full-license server with its job scheduler running: 8
 * clients upsert recent and week-old rows (the week-old ones into chunks the compression policy
 * compresses under them) while 2 read time buckets and latest values, and TimescaleDB runs the
 * compression, retention and refresh policies every few seconds. No error may reach a caller (the
 * client retries deadlocks and serialization failures), and at the end the table holds exactly the
 * last value written for every key. CI runs it for DTS_SOAK_SECONDS (default 30); by hand:
 * DTS_SOAK_SECONDS=300 DTS_RELIABILITY_REPORT=/tmp/soak.jsonl bun test test/reliability/soak.test.ts
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ClientFactory, type TimescaleClient } from '../../src/client/index.ts'
import type { TimescaleClientError } from '../../src/errors.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { configurePolicies, readPolicies } from '../../src/policies/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { type PlainRecord, report, tally } from './support.ts'

const target = targets.find((t) => t.kind === 'native' && t.license === 'timescale')
const SECONDS = Number(process.env.DTS_SOAK_SECONDS ?? 30)
const WRITERS = 8
const READERS = 2
const ENTITIES = 10
const MINUTE = 60_000
const DAY = 86_400_000

describe.if(target !== undefined)(`writers beside the scheduler on ${target?.name} (${SECONDS} s)`, () => {
  let t: TestDatabase
  const clients: TimescaleClient<AnyPgDatabase>[] = []
  beforeAll(async () => {
    t = await (target as NonNullable<typeof target>).open({ jobs: 'running' })
    // Compression after 3 days (the week-old rows are in compressed chunks), retention of 30 days,
    // and every policy on a schedule of seconds.
    await configurePolicies(t.db, {
      retention: '30 days',
      compressAfter: '3 days',
      refresh: { startOffset: '10 days', endOffset: '1 hour', scheduleInterval: '1 hour' },
    })
    const policies = await readPolicies(t.db)
    const every = { compression: '4 seconds', retention: '7 seconds', refresh: '3 seconds' } as const
    for (const [name, interval] of Object.entries(every)) {
      const job = policies[name as keyof typeof every]
      await t.db.execute(sql`select alter_job(${job?.jobId}::int, schedule_interval => ${interval}::interval, next_start => now())`)
    }
    for (let i = 0; i < WRITERS + READERS; i++) {
      clients.push(
        (await ClientFactory.fromConnectionString(t.url as string, {
          maxConnections: 1,
          maxRetries: 6,
          retryBaseDelayMs: 50,
          retryMaxDelayMs: 1000,
        })) as unknown as TimescaleClient<AnyPgDatabase>,
      )
    }
  }, 120_000)
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close({ timeout: 2 })))
    await t?.close()
  }, 60_000)

  test(
    'no error reaches a caller, no row is lost or duplicated, and the jobs ran',
    async () => {
      const now = Math.floor(Date.now() / MINUTE) * MINUTE
      // Each writer has its own entities; its keys: the last 2 hours and 2 hours of 7 days ago, by the minute.
      const keysOf = (w: number) => {
        const keys: { entity_id: string; time: string }[] = []
        for (let e = 0; e < ENTITIES; e++) {
          for (let m = 0; m < 120; m++) {
            for (const base of [now - 2 * 3_600_000, now - 7 * DAY]) {
              keys.push({ entity_id: `soak-${w}-${e}`, time: `${new Date(base + m * MINUTE).toISOString().slice(0, 19)}.000000Z` })
            }
          }
        }
        return keys
      }
      const last = new Map<string, PlainRecord>()
      const errors: string[] = []
      const latencies: number[] = []
      let writes = 0
      let reads = 0
      let rowsWritten = 0
      const started = performance.now()
      const until = started + SECONDS * 1000
      const [before] = await queryRows<{ runs: number; failures: number }>(
        t.db,
        sql`select coalesce(sum(total_runs), 0)::int as runs, coalesce(sum(total_failures), 0)::int as failures
            from timescaledb_information.job_stats where job_id >= 1000`,
      )

      const writer = async (w: number) => {
        const client = clients[w] as TimescaleClient<AnyPgDatabase>
        const keys = keysOf(w)
        for (let round = 0; performance.now() < until; round++) {
          // 400 keys a call, a different slice each round, half recent and half week-old.
          const batch: PlainRecord[] = []
          for (let k = 0; k < 400; k++) {
            const key = keys[(round * 397 + k * 6) % keys.length] as { entity_id: string; time: string }
            batch.push({
              ...key,
              value: round * 1000 + k,
              value2: w,
              value3: null,
              value4: null,
              metadata: k % 5 === 0 ? { n: round } : null,
            })
          }
          const callStarted = performance.now()
          try {
            await client.insertManyRecords(batch)
            for (const r of batch) last.set(`${r.entity_id}|${r.time}`, r)
            rowsWritten += batch.length
          } catch (error) {
            errors.push(`writer ${w}: ${(error as TimescaleClientError).code} ${(error as Error).message}`)
            return
          }
          latencies.push(performance.now() - callStarted)
          writes++
        }
      }
      const reader = async (r: number) => {
        const client = clients[WRITERS + r] as TimescaleClient<AnyPgDatabase>
        const range = { from: new Date(now - 8 * DAY).toISOString(), to: new Date(now + 3_600_000).toISOString() }
        for (let round = 0; performance.now() < until; round++) {
          try {
            const entity = `soak-${round % WRITERS}-${round % ENTITIES}`
            if (round % 2 === 0) await client.getTimeBuckets(entity, '1 hour', range)
            else await client.getLatestValues([entity, `soak-${(round + 1) % WRITERS}-0`])
            reads++
          } catch (error) {
            errors.push(`reader ${r}: ${(error as TimescaleClientError).code} ${(error as Error).message}`)
            return
          }
        }
      }
      await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), ...Array.from({ length: READERS }, (_, r) => reader(r))])
      const elapsed = (performance.now() - started) / 1000
      expect(errors).toEqual([])

      const [after] = await queryRows<{ runs: number; failures: number; compressed: number }>(
        t.db,
        sql`select coalesce(sum(total_runs), 0)::int as runs, coalesce(sum(total_failures), 0)::int as failures,
              (select count(*)::int from timescaledb_information.chunks where hypertable_name = 'time_series_data' and is_compressed) as compressed
            from timescaledb_information.job_stats where job_id >= 1000`,
      )
      const jobRuns = Number(after?.runs) - Number(before?.runs)
      expect(jobRuns).toBeGreaterThanOrEqual(3)
      expect(Number(after?.compressed)).toBeGreaterThan(0)
      const found = await tally(t.db, 'soak-', [...last.values()])
      expect(found).toMatchObject({ duplicates: 0, lost: 0 })
      expect(found.digest.md5).toBe(found.expected.md5)
      latencies.sort((a, b) => a - b)
      const p = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0)
      report({
        fault: `soak: ${WRITERS} writers and ${READERS} readers beside the compression, retention and refresh jobs, ${SECONDS} s (${target?.name})`,
        runs: writes + reads,
        ...found,
        note: `${writes} writes (${rowsWritten} rows upserted; p50 ${p(0.5)} ms, p99 ${p(0.99)} ms), ${reads} reads in ${elapsed.toFixed(0)} s; the jobs ran ${jobRuns} times (${Number(after?.failures) - Number(before?.failures)} failed runs, retried by the scheduler); ${after?.compressed} chunks compressed at the end; no error reached a caller`,
      })
    },
    (SECONDS + 120) * 1000,
  )
})
