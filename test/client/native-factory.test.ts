import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { ClientFactory, type TimescaleClient, withRetry } from '../../src/client/index.ts'
import { ConnectionError, ErrorCodes, type TimescaleClientError } from '../../src/errors.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { migrate } from '../../src/migrate.ts'
import { hypertable } from '../../src/toolkit/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { type TestDatabase, targets, withDatabase } from '../support/targets.ts'
import { type TcpProxy, tcpProxy } from './tcp-proxy.ts'

const native = targets.find((t) => t.kind === 'native')
const netReadings = pgTable(
  'net_readings',
  {
    device: text('device').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.device, t.time] })],
)
const netReadingsHypertable = hypertable(netReadings, { time: 'time', chunkInterval: '6 hours' })
const DAY = { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' }
const fast = { retryBaseDelayMs: 5, retryMaxDelayMs: 20 }

const readings = (entityId: string): TimeSeriesRecord[] =>
  Array.from({ length: 48 }, (_, i) => ({ entity_id: entityId, time: new Date(Date.UTC(2024, 0, 15, 0, 30 * i)), value: i }))

async function rejection(promise: Promise<unknown>): Promise<TimescaleClientError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as TimescaleClientError,
  )
}

function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  apply(vars)
  return fn().finally(() => apply(saved))
}

describe.if(native !== undefined)('ClientFactory on the native server', () => {
  let t: TestDatabase
  let url: URL
  beforeAll(async () => {
    t = await (native as NonNullable<typeof native>).open()
    url = new URL(t.url as string)
  })
  afterAll(() => t.close())

  test('fromConnectionString connects to a migrated database and reports it healthy', async () => {
    await using client = await ClientFactory.fromConnectionString(url.href)
    const health = await client.healthCheck()
    expect(health).toMatchObject({
      isHealthy: true,
      database: url.pathname.slice(1),
      license: native?.license,
      connection: { host: url.hostname, port: Number(url.port), ssl: false },
    })
    expect(health.version).toContain('PostgreSQL')
    expect(health.timescaledbVersion).toMatch(/^2\./)
  })

  test('pool options reach postgres.js in its names; a connection string keeps its own parameters', async () => {
    await using client = await ClientFactory.fromConnectionString(url.href, { maxConnections: 3, connectTimeout: 4, idleTimeout: 9 })
    expect(client.db.$client.options).toMatchObject({ max: 3, connect_timeout: 4, idle_timeout: 9, max_lifetime: 3600 })
    await using defaults = await ClientFactory.fromConnectionString(`${url.href}?connect_timeout=7`)
    expect(defaults.db.$client.options).toMatchObject({ max: 10, connect_timeout: 7, idle_timeout: 0 })
  })

  test('fromConfig connects with separate parameters', async () => {
    await using client = await ClientFactory.fromConfig({
      host: url.hostname,
      port: Number(url.port),
      database: url.pathname.slice(1),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      maxConnections: 2,
    })
    expect((await client.healthCheck()).isHealthy).toBe(true)
    expect(client.db.$client.options.max).toBe(2)
  })

  test('fromEnvironment uses DATABASE_URL, else PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD/PGSSLMODE', async () => {
    const none = {
      PGHOST: undefined,
      PGPORT: undefined,
      PGDATABASE: undefined,
      PGUSER: undefined,
      PGPASSWORD: undefined,
      PGSSLMODE: undefined,
    }
    await withEnv({ ...none, DATABASE_URL: url.href }, async () => {
      await using client = await ClientFactory.fromEnvironment()
      expect((await client.healthCheck()).database).toBe(url.pathname.slice(1))
    })
    const pg = {
      DATABASE_URL: undefined,
      PGHOST: url.hostname,
      PGPORT: url.port,
      PGDATABASE: url.pathname.slice(1),
      PGUSER: decodeURIComponent(url.username),
      PGPASSWORD: decodeURIComponent(url.password),
      PGSSLMODE: 'disable',
    }
    await withEnv(pg, async () => {
      await using client = await ClientFactory.fromEnvironment()
      const health = await client.healthCheck()
      expect(health).toMatchObject({ isHealthy: true, database: url.pathname.slice(1), connection: { ssl: false } })
    })
  })

  test('factories do not migrate: an empty database is reachable but unhealthy until migrate(db)', async () => {
    const bare = await (native as NonNullable<typeof native>).open({ migrate: false })
    try {
      await using client = await ClientFactory.fromConnectionString(bare.url as string)
      const before = await client.healthCheck()
      expect(before.isHealthy).toBe(false)
      expect(before.errors?.join(' ')).toContain('migrate(db)')
      await migrate(client.db)
      expect((await client.healthCheck()).isHealthy).toBe(true)
    } finally {
      await bare.close()
    }
  })

  test('a missing database fails at once with a ConnectionError, password-free', async () => {
    const missing = new URL(withDatabase(url.href, 'dts_no_such_database'))
    missing.password = 's3cr3t-pw'
    const error = await rejection(ClientFactory.fromConnectionString(missing.href))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toContain('does not exist')
    expect(error.details).toMatchObject({ sqlState: '3D000', attempts: 1, database: 'dts_no_such_database' })
    expect(error.message).not.toContain('s3cr3t-pw')
    expect(JSON.stringify(error.details)).not.toContain('s3cr3t-pw')
  })

  test('withRetry runs the loser of a real deadlock (40P01) again, and both transactions commit', async () => {
    await using client = await ClientFactory.fromConnectionString(url.href)
    const db = client.db
    await db.execute(sql`create table deadlock_probe (id int primary key, n int not null)`)
    await db.execute(sql`insert into deadlock_probe values (1, 0), (2, 0)`)
    let arrived = 0
    let release = () => {}
    const bothLocked = new Promise<void>((resolve) => {
      release = resolve
    })
    const attempts: number[] = []
    // Each transaction locks one row, waits until the other has locked the other row, then wants it.
    const crossing = (first: number, second: number) =>
      withRetry(
        (attempt) =>
          db.transaction(async (tx) => {
            attempts.push(attempt)
            await tx.execute(sql`update deadlock_probe set n = n + 1 where id = ${first}`)
            if (attempt === 1 && ++arrived === 2) release()
            if (attempt === 1) await bothLocked
            await tx.execute(sql`update deadlock_probe set n = n + 1 where id = ${second}`)
          }),
        fast,
      )
    await Promise.all([crossing(1, 2), crossing(2, 1)])
    expect(attempts.sort()).toEqual([1, 1, 2])
    const rows = await queryRows<{ id: number; n: number }>(db, sql`select id, n from deadlock_probe order by id`)
    expect(rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ])
  }, 20_000)

  describe('through a network that fails', () => {
    let proxy: TcpProxy
    let client: TimescaleClient<AnyPgDatabase>
    const proxied = () => {
      const u = new URL(url.href)
      u.hostname = '127.0.0.1'
      u.port = String(proxy.port)
      return u.href
    }
    beforeAll(async () => {
      proxy = await tcpProxy(url.hostname, Number(url.port))
      client = await ClientFactory.fromConnectionString(proxied(), { ...fast, maxConnections: 1 })
      await client.insertManyRecords([...readings('net'), ...readings('net-stream')])
    })
    afterAll(async () => {
      await client.close()
      await proxy.stop()
    })

    test('a connection cut during a read is retried and the read succeeds', async () => {
      const before = proxy.drops
      proxy.dropNext()
      const rows = await client.getRecords('net', { ...DAY, limit: 5 })
      expect(rows.map((r) => r.value)).toEqual([47, 46, 45, 44, 43])
      expect(proxy.drops).toBe(before + 1)
    })

    test('without retries the same cut is a ConnectionError after one attempt; close() is bounded by its timeout', async () => {
      const once = await ClientFactory.fromConnectionString(proxied(), { maxRetries: 0, maxConnections: 1 })
      proxy.dropNext()
      const error = await rejection(once.getAggregate('net', 'count', 'value', DAY))
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.details).toMatchObject({ attempts: 1 })
      // postgres.js would wait forever for the cut query here (porsager/postgres#1097).
      const started = performance.now()
      await once.close({ timeout: 0.2 })
      expect(performance.now() - started).toBeLessThan(1500)
    })

    test('a stream cut between pages resumes after the last record: nothing lost, nothing repeated', async () => {
      const seen: number[] = []
      for await (const record of client.streamRecords('net-stream', DAY, { pageSize: 5 })) {
        seen.push(record.value)
        if (seen.length === 12) proxy.dropNext()
      }
      expect(seen).toEqual(readings('net-stream').map((r) => r.value))
      const desc: number[] = []
      for await (const record of client.streamRecords('net-stream', DAY, { pageSize: 5, order: 'desc' })) {
        desc.push(record.value)
        if (desc.length === 7) proxy.dropNext()
      }
      expect(desc).toEqual([...seen].reverse())
    })

    test("a declared table's stream through client.hypertable, cut between pages, resumes after the last row", async () => {
      await t.db.execute(sql`create table net_readings (device text not null, time timestamptz not null, value double precision not null,
        primary key (device, time))`)
      await t.db.execute(sql`select create_hypertable('net_readings', 'time', chunk_time_interval => interval '6 hours')`)
      const handle = client.hypertable(netReadingsHypertable)
      const rows = ['a', 'b'].flatMap((device) =>
        Array.from({ length: 30 }, (_, i) => ({
          device,
          time: `2024-01-15T${String(i % 24).padStart(2, '0')}:${i < 24 ? '00' : '30'}:00.000000Z`,
          value: i,
        })),
      )
      await handle.insertMany(rows)
      const seen: string[] = []
      const before = proxy.drops
      for await (const row of handle.stream({ from: DAY.from, to: DAY.to, pageSize: 7 })) {
        seen.push(`${row.time} ${row.device}`)
        if (seen.length === 10 || seen.length === 31) proxy.dropNext()
      }
      expect(proxy.drops).toBe(before + 2)
      expect(seen).toEqual(rows.map((r) => `${r.time} ${r.device}`).sort())
    })
  })

  test('when the server is gone: healthCheck reports it without throwing, calls fail after retries, close resolves', async () => {
    const proxy = await tcpProxy(url.hostname, Number(url.port))
    const u = new URL(url.href)
    u.port = String(proxy.port)
    u.hostname = '127.0.0.1'
    const client = await ClientFactory.fromConnectionString(u.href, { ...fast, maxRetries: 2, connectTimeout: 2 })
    expect((await client.healthCheck()).isHealthy).toBe(true)
    await proxy.stop()
    const health = await client.healthCheck()
    expect(health.isHealthy).toBe(false)
    expect(health.errors?.[0]).toStartWith(`${ErrorCodes.CONNECTION}:`)
    expect(health.connection).toEqual({ host: '127.0.0.1', port: proxy.port, ssl: false })
    const error = await rejection(client.getEntity('anything'))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.details.attempts).toBe(3)
    const started = performance.now()
    await client.close()
    await client.close()
    expect(performance.now() - started).toBeLessThan(6000)
    expect((await rejection(client.getEntity('anything'))).code).toBe(ErrorCodes.CLIENT_CLOSED)
  }, 20_000)
})
