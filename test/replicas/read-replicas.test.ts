import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createId } from '@paralleldrive/cuid2'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres, { type Sql } from 'postgres'
import { ClientFactory, type PostgresTimescaleDatabase, type TimescaleClient } from '../../src/client/index.ts'
import { migrate } from '../../src/migrate.ts'
import { timeSeriesData } from '../../src/schema/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { tcpProxy } from '../client/tcp-proxy.ts'
import { pollUntilDefined as eventually } from '../support/poll-until-defined.ts'
import { withDatabase } from '../support/targets.ts'
import { type ReplicaPair, replicaPairUnavailable, startReplicaPair } from './replica-pair.ts'

const unavailable = replicaPairUnavailable()
if (unavailable) console.log(`[replicas] tests on a real primary + streaming replica skipped: ${unavailable}`)

const DAY = { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' }
const fast = { retryBaseDelayMs: 5, retryMaxDelayMs: 50 }
/** Each test takes a few seconds at most; bun's default of 5 s is too tight on a busy machine. */
const TEST_TIMEOUT_MS = 30_000

const readings = (entityId: string, count: number): TimeSeriesRecord[] =>
  Array.from({ length: count }, (_, i) => ({ entity_id: entityId, time: new Date(Date.UTC(2024, 0, 15) + i * 1000), value: i }))

describe.if(unavailable === undefined)('read replicas on a real primary + streaming replica', () => {
  let pair: ReplicaPair
  let database: string
  let admin: Sql
  /** A superuser session on the replica, to pause and resume WAL replay. */
  let replicaAdmin: Sql
  let replicaPort: number
  let client: TimescaleClient<PostgresTimescaleDatabase>

  beforeAll(
    async () => {
      const started = performance.now()
      pair = await startReplicaPair()
      database = `dts_replica_${createId().slice(0, 10)}`
      admin = postgres(pair.primaryUrl, { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database "${database}"`)
      const migrator = postgres(withDatabase(pair.primaryUrl, database), { max: 1, onnotice: () => {} })
      await migrate(drizzle(migrator)).finally(() => migrator.end())
      const replicaUrl = withDatabase(pair.replicaUrl, database)
      replicaPort = Number(new URL(replicaUrl).port)
      replicaAdmin = postgres(replicaUrl, { max: 1, onnotice: () => {} })
      await eventually('the migrated database on the replica', async () => {
        const [row] = await replicaAdmin`select to_regclass('time_series_data') is not null as ready`
        return row?.ready ? true : undefined
      })
      client = await ClientFactory.fromConnectionString(withDatabase(pair.primaryUrl, database), {
        ...fast,
        replicas: [replicaUrl],
        replicaHealthCheckIntervalMs: 200,
        maxReplicaLagSeconds: 5,
      })
      console.log(
        `[replicas] pair ready in ${Math.round(performance.now() - started)} ms (primary ${pair.primaryUrl.split('@')[1]}, replica port ${replicaPort})`,
      )
    },
    { timeout: 300_000 },
  )

  afterAll(async () => {
    await client?.close()
    await replicaAdmin?.end({ timeout: 1 }).catch(() => {})
    await admin?.unsafe(`drop database if exists "${database}" with (force)`).catch(() => {})
    await admin?.end({ timeout: 1 })
    await pair?.stop()
  }, 60_000)

  test(
    'the replica is in recovery and streams from the primary',
    async () => {
      const [recovery] = await replicaAdmin`select pg_is_in_recovery() as in_recovery`
      expect(recovery?.in_recovery).toBe(true)
      const [streaming] = await admin`select count(*)::int as n from pg_stat_replication where state = 'streaming'`
      expect(streaming?.n).toBeGreaterThanOrEqual(1)
      await expect(replicaAdmin`insert into time_series_data (entity_id, time, value) values ('x', now(), 1)`).rejects.toThrow('read-only')
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'lag-tolerant reads are routed to the replica; writes and entity reads to the primary',
    () => {
      const primaryPort = Number(new URL(pair.primaryUrl).port)
      for (const op of ['getRecords', 'getLatestValues', 'getAggregate', 'getTimeBuckets', 'streamRecords']) {
        expect(client.routeFor(op)).toEqual({ role: 'replica', host: '127.0.0.1', port: replicaPort })
      }
      for (const op of ['insertRecord', 'insertManyRecords', 'upsertEntity', 'getEntity', 'listEntities', 'deactivateEntity']) {
        expect(client.routeFor(op)).toEqual({ role: 'primary', host: '127.0.0.1', port: primaryPort })
      }
      expect(client.primary.routeFor('getRecords')).toEqual({ role: 'primary', host: '127.0.0.1', port: primaryPort })
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'migrate(client.db) runs on the primary (a transaction), not on the replica',
    async () => {
      expect(await migrate(client.db)).toEqual({ applied: [] })
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'writes to the primary become visible in reads served by the replica',
    async () => {
      const before = (await client.healthCheck()).nodes?.[1]?.reads ?? 0
      await client.insertManyRecords(readings('visible', 500))
      const count = await eventually('500 rows on the replica', async () => {
        const n = await client.getAggregate('visible', 'count', 'value', DAY)
        return n === 500 ? n : undefined
      })
      expect(count).toBe(500)
      const after = await client.healthCheck()
      expect(after.nodes?.[1]).toMatchObject({ role: 'replica', port: replicaPort, healthy: true })
      expect(after.nodes?.[1]?.reads).toBeGreaterThan(before)
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'while replay is paused, replica reads miss a new write that client.primary sees',
    async () => {
      await replicaAdmin`select pg_wal_replay_pause()`
      try {
        await client.insertRecord({ entity_id: 'paused', time: '2024-01-15T12:00:00Z', value: 1 })
        expect(client.routeFor('getRecords').role).toBe('replica')
        expect(await client.getRecords('paused', DAY)).toEqual([])
        expect(await client.getLatestValues(['paused'])).toEqual([])
        expect(await client.db.select().from(timeSeriesData).where(eq(timeSeriesData.entity_id, 'paused'))).toEqual([])
        expect(await client.primary.getRecords('paused', DAY)).toHaveLength(1)
        expect(await client.primary.db.select().from(timeSeriesData).where(eq(timeSeriesData.entity_id, 'paused'))).toHaveLength(1)
      } finally {
        await replicaAdmin`select pg_wal_replay_resume()`
      }
      await eventually('the write replayed', async () => ((await client.getRecords('paused', DAY)).length === 1 ? true : undefined))
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'a replica further behind than maxReplicaLagSeconds is skipped until it catches up',
    async () => {
      await using strict = await ClientFactory.fromConnectionString(withDatabase(pair.primaryUrl, database), {
        ...fast,
        replicas: [withDatabase(pair.replicaUrl, database)],
        replicaHealthCheckIntervalMs: 100,
        maxReplicaLagSeconds: 1,
      })
      expect(strict.routeFor('getRecords').role).toBe('replica')
      await replicaAdmin`select pg_wal_replay_pause()`
      try {
        await strict.insertRecord({ entity_id: 'lagging', time: '2024-01-15T12:00:00Z', value: 7 })
        await eventually(
          'the lagging replica skipped',
          async () => (strict.routeFor('getRecords').role === 'primary' ? true : undefined),
          10_000,
        )
        expect(await strict.getRecords('lagging', DAY)).toHaveLength(1)
        const replica = (await strict.healthCheck()).nodes?.[1]
        expect(replica).toMatchObject({ healthy: false, port: replicaPort })
        expect(replica?.lagSeconds).toBeGreaterThan(1)
        expect(replica?.error).toContain('maxReplicaLagSeconds')
      } finally {
        await replicaAdmin`select pg_wal_replay_resume()`
      }
      await eventually(
        'the replica back in rotation',
        async () => (strict.routeFor('getRecords').role === 'replica' ? true : undefined),
        10_000,
      )
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'stopping the replica mid-stream keeps reads working through the primary; a restart brings it back',
    async () => {
      await client.insertManyRecords(readings('outage', 3000))
      await eventually('3000 rows on the replica', async () =>
        (await client.getAggregate('outage', 'count', 'value', DAY)) === 3000 ? true : undefined,
      )
      const seen: number[] = []
      for await (const record of client.streamRecords('outage', DAY, { pageSize: 300 })) {
        seen.push(record.value)
        if (seen.length === 1) await pair.stopReplica()
      }
      expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i))
      expect(client.routeFor('getRecords').role).toBe('primary')
      expect(await client.getAggregate('outage', 'max', 'value', DAY)).toBe(2999)

      const down = await client.healthCheck()
      expect(down.isHealthy).toBe(true)
      expect(down.nodes?.[0]).toMatchObject({ role: 'primary', healthy: true, lagSeconds: 0 })
      expect(down.nodes?.[1]).toMatchObject({ role: 'replica', port: replicaPort, healthy: false })
      expect(down.nodes?.[1]?.error).toContain('CONNECTION_ERROR')

      await pair.startReplica()
      await eventually('the restarted replica back in rotation', async () =>
        client.routeFor('getRecords').role === 'replica' ? true : undefined,
      )
      const reads = (await client.healthCheck()).nodes?.[1]?.reads ?? 0
      expect(await client.getRecords('outage', { ...DAY, limit: 5 })).toHaveLength(5)
      expect((await client.healthCheck()).nodes?.[1]).toMatchObject({ healthy: true, reads: reads + 1 })
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'with the primary unreachable, lag-tolerant reads keep working on the replica; writes fail',
    async () => {
      const primary = new URL(withDatabase(pair.primaryUrl, database))
      const proxy = await tcpProxy(primary.hostname, Number(primary.port))
      primary.port = String(proxy.port)
      const cut = await ClientFactory.fromConnectionString(primary.href, {
        replicas: [withDatabase(pair.replicaUrl, database)],
        replicaHealthCheckIntervalMs: 100,
        maxRetries: 0,
        connectTimeout: 2,
      })
      try {
        await proxy.stop()
        await Bun.sleep(150)
        const health = await cut.healthCheck()
        expect(health.isHealthy).toBe(false)
        expect(health.nodes?.map((n) => [n.role, n.healthy])).toEqual([
          ['primary', false],
          ['replica', true],
        ])
        expect(cut.routeFor('getAggregate').role).toBe('replica')
        expect(await cut.getAggregate('visible', 'count', 'value', DAY)).toBe(500)
        const write = cut.insertRecord({ entity_id: 'nowhere', time: new Date(), value: 1 })
        await expect(write).rejects.toMatchObject({ code: 'CONNECTION_ERROR' })
      } finally {
        await cut.close({ timeout: 1 })
      }
    },
    TEST_TIMEOUT_MS,
  )

  test(
    'a replica URL that points at a primary, or at nothing, is reported and never used',
    async () => {
      const closed = new URL(pair.replicaUrl)
      closed.port = String(replicaPort + 50)
      await using odd = await ClientFactory.fromConnectionString(withDatabase(pair.primaryUrl, database), {
        replicas: [withDatabase(pair.primaryUrl, database), withDatabase(closed.href, database)],
        connectTimeout: 2,
        maxRetries: 0,
      })
      expect(odd.routeFor('getRecords').role).toBe('primary')
      const health = await odd.healthCheck()
      expect(health.isHealthy).toBe(true)
      expect(health.nodes?.map((n) => [n.role, n.healthy])).toEqual([
        ['primary', true],
        ['replica', false],
        ['replica', false],
      ])
      expect(health.nodes?.[1]?.error).toContain('pg_is_in_recovery() is false')
      expect(health.nodes?.[2]?.error).toContain('CONNECTION_ERROR')
      expect(JSON.stringify(health)).not.toContain(':postgres@')
      expect(await odd.getAggregate('visible', 'count', 'value', DAY)).toBe(500)
    },
    TEST_TIMEOUT_MS,
  )
})
