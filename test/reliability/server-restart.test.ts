/*
 * Faults on the suite's own server (never the shared one): restarted (fast), crashed (immediate
 * stop, crash recovery at start), and one backend SIGKILLed (the postmaster resets every session),
 * each under a steady write load from 4 clients. Writers resume after the fault, no call hangs
 * (every await is bounded), close() resolves, and the table holds exactly what was sent.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ClientFactory, type PostgresTimescaleDatabase, type TimescaleClient } from '../../src/client/index.ts'
import { TimescaleClientError } from '../../src/errors.ts'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { type FaultServer, faultServerUnavailable, startFaultServer } from './fault-server.ts'
import { bounded, makeRecords, outcome, type PlainRecord, report, sleep, tally, withParams } from './support.ts'

const unavailable = faultServerUnavailable()
if (unavailable) console.log(`[reliability] server restart and crash faults skipped: ${unavailable}`)

const WRITERS = 4
const BATCHES = 10
const BATCH = 1000
const CALL_CAP_MS = 30_000
const SCENARIO_CAP_MS = 120_000

describe.if(unavailable === undefined)('the server restarted or crashed under write load (own server instance)', () => {
  let server: FaultServer
  beforeAll(async () => {
    server = await startFaultServer()
  }, 660_000)
  afterAll(async () => {
    await server?.stop()
  }, 130_000)

  const scenarios: { name: string; tag: string; fault: (server: FaultServer, url: string) => Promise<void> }[] = [
    { name: 'pg_ctlcluster restart (fast)', tag: 'rf', fault: (s) => s.restart('fast') },
    { name: 'crash: pg_ctlcluster restart -m immediate (crash recovery)', tag: 'rc', fault: (s) => s.restart('crash') },
    {
      name: 'SIGKILL of a backend (the postmaster resets every session)',
      tag: 'rk',
      fault: async (s, url) => {
        const admin = postgres(url, { max: 1, onnotice: () => {} })
        try {
          const [row] = await admin`select pid from pg_stat_activity where datname = current_database()
            and application_name = 'dts-load' and state <> 'idle' order by backend_start limit 1`
          const [any] = row ? [row] : await admin`select pid from pg_stat_activity where application_name = 'dts-load' limit 1`
          await s.killBackend(Number(any?.pid))
        } finally {
          await admin.end({ timeout: 1 }).catch(() => {})
        }
      },
    },
  ]

  for (const { name, tag, fault } of scenarios) {
    test(`${name}: writers resume, nothing hangs, close() resolves, exactly the records sent`, async () => {
      const url = withParams(server.url, { application_name: 'dts-load' })
      const clients: TimescaleClient<PostgresTimescaleDatabase>[] = []
      for (let w = 0; w < WRITERS; w++) {
        clients.push(
          await ClientFactory.fromConnectionString(url, { maxConnections: 2, connectTimeout: 5, maxRetries: 8, retryBaseDelayMs: 100, retryMaxDelayMs: 1000 }),
        )
      }
      const batches = clients.map((_, w) => {
        const all = makeRecords(`${tag}${w}-`, BATCHES * BATCH, { entities: 20 })
        return Array.from({ length: BATCHES }, (_, b) => all.slice(b * BATCH, (b + 1) * BATCH))
      })
      let acknowledged = 0
      let calls = 0
      let longestCallMs = 0
      const surfaced: string[] = []
      const started = performance.now()
      const writer = async (client: TimescaleClient<PostgresTimescaleDatabase>, own: PlainRecord[][]) => {
        for (const batch of own) {
          // A call that still fails after the client's retries is sent again, at most 5 times.
          for (let attempt = 1; ; attempt++) {
            calls++
            const callStarted = performance.now()
            const result = await bounded(outcome(client.insertManyRecords(batch)), CALL_CAP_MS, `a ${tag} write`)
            longestCallMs = Math.max(longestCallMs, performance.now() - callStarted)
            if (result.ok) break
            surfaced.push((result.error as TimescaleClientError).code ?? String(result.error))
            if (attempt >= 5 || performance.now() - started > SCENARIO_CAP_MS) throw result.error
            await sleep(250)
          }
          acknowledged++
        }
      }
      const writing = Promise.all(clients.map((client, w) => writer(client, batches[w] as PlainRecord[][])))
      writing.catch(() => {})
      // The fault strikes once the load is steady: a quarter of the batches are in.
      while (acknowledged < (WRITERS * BATCHES) / 4 && performance.now() - started < SCENARIO_CAP_MS) await sleep(10)
      const before = acknowledged
      await bounded(fault(server, url), 90_000, name)
      const health = await bounded(clients[0]!.healthCheck({ timeoutMs: 5000 }), 10_000, 'healthCheck after the fault')
      expect(typeof health.isHealthy).toBe('boolean')
      await bounded(writing, SCENARIO_CAP_MS, 'the writers')
      expect(acknowledged).toBe(WRITERS * BATCHES)
      expect(acknowledged).toBeGreaterThan(before)
      expect((await bounded(clients[1]!.healthCheck(), 10_000, 'healthCheck')).isHealthy).toBe(true)
      const closeStarted = performance.now()
      await bounded(Promise.all(clients.map((c) => c.close({ timeout: 2 }))), 10_000, 'close()')
      const closeMs = performance.now() - closeStarted

      const sent = batches.flat(2)
      const checker = postgres(server.url, { max: 1, onnotice: () => {} })
      try {
        const found = await tally(drizzle(checker), `${tag}`, sent)
        expect(found).toMatchObject({ sent: WRITERS * BATCHES * BATCH, found: WRITERS * BATCHES * BATCH, duplicates: 0, lost: 0 })
        expect(found.digest.md5).toBe(found.expected.md5)
        report({
          fault: `server ${name}, under load from ${WRITERS} clients`,
          runs: calls,
          ...found,
          note: `longest call ${Math.round(longestCallMs)} ms (retried through the fault); ${surfaced.length} calls failed after the client's retries and were sent again${surfaced.length ? ` (${[...new Set(surfaced)].join(', ')})` : ''}; close() took ${Math.round(closeMs)} ms`,
        })
      } finally {
        await checker.end({ timeout: 1 })
      }
    }, SCENARIO_CAP_MS + 60_000)
  }
})
