import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ClientFactory } from '../../src/client/index.ts'
import { ValidationError } from '../../src/errors.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { openClient, type TargetClient, targets } from './client-targets.ts'

const DAY = { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' }

/** 48 readings every 30 minutes on 2024-01-15, value = i, value2 = 100 - i. */
function readings(entityId: string): TimeSeriesRecord[] {
  return Array.from({ length: 48 }, (_, i) => ({
    entity_id: entityId,
    time: new Date(Date.UTC(2024, 0, 15, 0, 30 * i)),
    value: i,
    value2: 100 - i,
    metadata: { i },
  }))
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

for (const target of targets) {
  describe(`TimescaleClient on ${target.name}`, () => {
    let t: TargetClient
    beforeAll(async () => {
      t = await openClient(target)
    })
    afterAll(() => t.close())

    test('healthCheck reports a healthy, migrated database', async () => {
      const health = await t.client.healthCheck()
      expect(health.isHealthy).toBe(true)
      expect(health.license).toBe(target.license)
      expect(health.errors).toBeUndefined()
    })

    test('insertRecord then getRecords round-trips microseconds, numbers and metadata', async () => {
      await t.client.insertRecord({
        entity_id: 'micro',
        time: '2024-01-15T10:30:00.123456+02:00',
        value: 23.5,
        value3: 1013.25,
        metadata: { room: 'server_room', battery: 85 },
      })
      expect(await t.client.getRecords('micro', DAY)).toEqual([
        {
          entity_id: 'micro',
          time: '2024-01-15T08:30:00.123456Z',
          value: 23.5,
          value2: null,
          value3: 1013.25,
          value4: null,
          metadata: { room: 'server_room', battery: 85 },
        },
      ])
    })

    test('insertManyRecords upserts a batch, last duplicate wins; reads honour order and limit', async () => {
      const batch = readings('many')
      const result = await t.client.insertManyRecords([...batch, { ...batch[0], value: -1 } as TimeSeriesRecord])
      expect(result).toMatchObject({ total: 49, written: 48, duplicates: 1, failed: 0, errors: [] })
      const newest = await t.client.getRecords('many', { ...DAY, limit: 3 })
      expect(newest.map((r) => r.value)).toEqual([47, 46, 45])
      const oldest = await t.client.getRecords('many', { ...DAY, limit: 2, order: 'asc' })
      expect(oldest.map((r) => [r.time, r.value])).toEqual([
        ['2024-01-15T00:00:00.000000Z', -1],
        ['2024-01-15T00:30:00.000000Z', 1],
      ])
    })

    test('getAggregate matches values computed here; an empty range is null, its count 0', async () => {
      await t.client.insertManyRecords(readings('agg'))
      const values = readings('agg').map((r) => r.value)
      const mean = values.reduce((a, b) => a + b, 0) / values.length
      expect(await t.client.getAggregate('agg', 'avg', 'value', DAY)).toBeCloseTo(mean, 10)
      expect(await t.client.getAggregate('agg', 'max', 'value2', DAY)).toBe(100)
      expect(await t.client.getAggregate('agg', 'count', 'value', DAY)).toBe(48)
      expect(await t.client.getAggregate('agg', 'last', 'value', DAY)).toBe(47)
      const empty = { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' }
      expect(await t.client.getAggregate('agg', 'avg', 'value', empty)).toBeNull()
      expect(await t.client.getAggregate('agg', 'count', 'value', empty)).toBe(0)
    })

    test('getTimeBuckets: hourly sums and counts, oldest first', async () => {
      await t.client.insertManyRecords(readings('buckets'))
      const buckets = await t.client.getTimeBuckets('buckets', '1 hour', DAY, { aggregateFunction: 'sum', order: 'asc' })
      expect(buckets).toHaveLength(24)
      expect(buckets[0]).toEqual({ bucket: '2024-01-15T00:00:00.000000Z', entity_id: 'buckets', value: 0 + 1, count: 2 })
      expect(buckets[23]).toEqual({ bucket: '2024-01-15T23:00:00.000000Z', entity_id: 'buckets', value: 46 + 47, count: 2 })
    })

    test('getLatestValues: the newest record per entity that has data', async () => {
      await t.client.insertManyRecords([...readings('latest-a'), ...readings('latest-b').slice(0, 10)])
      const latest = await t.client.getLatestValues(['latest-a', 'latest-b', 'latest-none'])
      const byId = Object.fromEntries(latest.map((r) => [r.entity_id, r.value]))
      expect(byId).toEqual({ 'latest-a': 47, 'latest-b': 9 })
    })

    test('streamRecords pages through everything in order, both ways', async () => {
      await t.client.insertManyRecords(readings('stream'))
      const asc = await collect(t.client.streamRecords('stream', DAY, { pageSize: 5 }))
      expect(asc.map((r) => r.value)).toEqual(readings('stream').map((r) => r.value))
      const desc = await collect(t.client.streamRecords('stream', DAY, { pageSize: 7, order: 'desc' }))
      expect(desc.map((r) => r.value)).toEqual(asc.map((r) => r.value).reverse())
    })

    test('streamRecords refuses bad arguments when called, like the repository', () => {
      expect(() => t.client.streamRecords('', DAY)).toThrow(ValidationError)
    })

    test('entities: upsert, get, list by type and activity, deactivate', async () => {
      const created = await t.client.upsertEntity({ entity_id: 'server_prod_01', entity_type: 'server', name: 'web 1' })
      expect(created).toMatchObject({ entity_id: 'server_prod_01', entity_type: 'server', name: 'web 1', is_active: true })
      await t.client.upsertEntity({ entity_id: 'server_prod_02', entity_type: 'server' })
      await t.client.upsertEntity({ entity_id: 'temp_sensor_01', entity_type: 'sensor' })
      const generated = await t.client.upsertEntity({ entity_type: 'sensor' })
      expect(generated.entity_id.length).toBeGreaterThan(0)
      expect((await t.client.getEntity('server_prod_01'))?.name).toBe('web 1')
      expect(await t.client.getEntity('nobody')).toBeNull()
      expect(await t.client.deactivateEntity('server_prod_02')).toBe(true)
      expect(await t.client.deactivateEntity('nobody')).toBe(false)
      const active = await t.client.listEntities({ entityType: 'server', isActive: true })
      expect(active.map((e) => e.entity_id)).toEqual(['server_prod_01'])
      expect((await t.client.listEntities({ entityType: 'server' })).length).toBe(2)
    })

    test('defaultLimit bounds range reads, bucket reads and entity lists that give no limit', async () => {
      await t.client.insertManyRecords(readings('limited'))
      const small = await ClientFactory.fromDrizzle(t.client.db, { defaultLimit: 2 })
      expect(await small.getRecords('limited', DAY)).toHaveLength(2)
      expect(await small.getRecords('limited', { ...DAY, limit: 5 })).toHaveLength(5)
      expect(await small.getTimeBuckets('limited', '1 hour', DAY)).toHaveLength(2)
      expect(await small.listEntities()).toHaveLength(2)
      await small.close()
      // The wrapped database is the caller's: still open.
      expect(await t.client.getRecords('limited', { ...DAY, limit: 1 })).toHaveLength(1)
    })

    test('validation errors surface unchanged, with the field, and are not retried', async () => {
      const error = await t.client.insertRecord({ entity_id: 'v', time: '2024-01-15T10:30:00', value: 1 }).then(
        () => undefined,
        (e: unknown) => e as ValidationError,
      )
      expect(error).toBeInstanceOf(ValidationError)
      expect(error?.details).toMatchObject({ field: 'time', attempts: 1 })
    })
  })
}
