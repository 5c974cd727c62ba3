/*
 * The client through a real PgBouncer (Debian's 1.24, transaction pooling, max_prepared_statements
 * 100: scripts/native-db-pgbouncer.sh) in front of the full-license server, with prepared
 * statements on (postgres.js's default) and off (`prepare: false`): migrate, the COPY paths (plain
 * COPY of new keys, the staging upsert of existing ones, whose temporary table must exist on
 * whichever server connection the transaction lands), reads, a stream, and a write that survives
 * its server connections being terminated. PgBouncer refuses the `plan_cache_mode` startup
 * parameter the package's pools send: the client reconnects without it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import postgres from 'postgres'
import { ClientFactory } from '../../src/client/client-factory.ts'
import type { PostgresTimescaleDatabase } from '../../src/client/connect-postgres.ts'
import type { TimescaleClient } from '../../src/client/timescale-client.ts'
import { plansCustom } from '../../src/internal/custom-plan-pools.ts'
import { migrate } from '../../src/migrate.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

const SCRIPT = join(import.meta.dir, '..', '..', 'scripts', 'native-db-pgbouncer.sh')
const tsl = targets.find((t) => t.kind === 'native' && t.license === 'timescale')
const unavailable = !tsl
  ? 'no full-license native server in TIMESCALEDB_URL'
  : process.getuid?.() !== 0
    ? 'PgBouncer runs in the chroot (root)'
    : undefined

async function startPgBouncer(): Promise<number> {
  const child = Bun.spawn(['bash', SCRIPT, 'start'], {
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, TSDB_NATIVE_EDITION: 'tsl' },
  })
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  if (code !== 0) throw new Error(`native-db-pgbouncer.sh start failed (${code}): ${err}`)
  return Number(new URL(out.trim().split('\n').at(-1) as string).port)
}

const START = Math.floor(Date.now() / 1000) * 1000 - 2 * 86_400_000
const records = (n: number, sign = 1) =>
  Array.from({ length: n }, (_, i) => ({
    entity_id: `bouncer-${i % 10}`,
    time: new Date(START + i * 1000).toISOString(),
    value: sign * i,
    metadata: i % 500 === 0 ? { i } : null,
  }))

if (unavailable) test.skip(`through PgBouncer (${unavailable})`, () => {})
else {
  for (const prepare of [true, false]) {
    describe(`the client through PgBouncer in transaction mode, prepare: ${prepare}`, () => {
      let t: TestDatabase
      let client: TimescaleClient<PostgresTimescaleDatabase>
      let admin: postgres.Sql
      beforeAll(async () => {
        const port = await startPgBouncer()
        t = await (tsl as NonNullable<typeof tsl>).open({ migrate: false })
        const url = new URL(t.url as string)
        admin = postgres(url.toString(), { max: 1, onnotice: () => {} })
        url.port = String(port)
        // prepare=false in the URL is what docs/DEPLOYMENT.md says for a pooler without prepared statements.
        if (!prepare) url.searchParams.set('prepare', 'false')
        client = await ClientFactory.fromConnectionString(url.toString(), { maxConnections: 8, maxRetries: 5 })
      })
      afterAll(async () => {
        await client?.close()
        await admin?.end()
        await t?.close()
      })

      test('connects although PgBouncer refuses plan_cache_mode; migrate applies the package migrations once', async () => {
        expect(plansCustom(client.db.$client)).toBe(false) // reconnected without the startup parameter
        expect((client.db.$client as unknown as { options: { prepare: boolean } }).options.prepare).toBe(prepare)
        expect((await migrate(client.db)).applied).toHaveLength(5)
        expect((await migrate(client.db)).applied).toHaveLength(0)
        await admin.unsafe(`alter database "${new URL(t.url as string).pathname.slice(1)}" set plan_cache_mode = force_custom_plan`)
        // New server connections of PgBouncer get it from the database's settings (the documented cure).
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
        // A raw db.execute is not retried, and PgBouncer may hand out a terminated server
        // connection once before it notices: ask again then, as the client's own calls would.
        let mode: string | undefined
        for (let attempt = 0; attempt < 5 && mode === undefined; attempt++) {
          try {
            const [row] = (await client.db.execute('show plan_cache_mode' as never)) as unknown as { plan_cache_mode: string }[]
            mode = row?.plan_cache_mode
          } catch {
            await Bun.sleep(200)
          }
        }
        expect(mode).toBe('force_custom_plan')
      })

      test('writes: COPY of new keys, the staging upsert of existing ones, exact', async () => {
        expect((await client.insertManyRecords(records(20_000))).written).toBe(20_000)
        expect((await client.insertManyRecords(records(20_000, -1))).written).toBe(20_000)
        const [row] = await admin`select count(*)::int as n, sum(value)::float8 as sum, count(metadata)::int as meta from time_series_data`
        expect(row).toEqual({ n: 20_000, sum: -199_990_000, meta: 40 })
      })

      test('reads and a stream', async () => {
        const range = { from: new Date(START).toISOString(), to: new Date(START + 86_400_000).toISOString() }
        expect(await client.getRecords('bouncer-3', { ...range, limit: 2, order: 'asc' })).toHaveLength(2)
        expect((await client.getLatestValues(['bouncer-0', 'bouncer-9'])).map((r) => r.entity_id)).toEqual(['bouncer-0', 'bouncer-9'])
        expect(await client.getAggregate('bouncer-1', 'count', 'value', range)).toBe(2000)
        const buckets = await client.getTimeBuckets('bouncer-1', '1 hour', range, { aggregateFunction: 'count' })
        expect(buckets.reduce((n, b) => n + Number(b.value), 0)).toBe(2000)
        let streamed = 0
        for await (const _ of client.streamRecords('bouncer-2', range, { pageSize: 300 })) streamed++
        expect(streamed).toBe(2000)
      })

      test('a write survives its server connections being terminated: nothing lost, nothing twice', async () => {
        const write = client.insertManyRecords(records(60_000, 2))
        await Bun.sleep(150)
        const [killed] = await admin`select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`
        expect(killed?.n).toBeGreaterThan(0) // PgBouncer's server connections, mid-write
        expect((await write).written).toBe(60_000)
        const [row] = await admin`select count(*)::int as n, sum(value)::float8 as sum from time_series_data`
        expect(row).toEqual({ n: 60_000, sum: 2 * 1_799_970_000 })
      })
    })
  }
}
