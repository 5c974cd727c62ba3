import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ClientFactory, type TimeSeriesRecord, type TimescaleClient } from '../src/index.ts'
import { type TestDatabase, targets } from './support/targets.ts'

// The README's four use cases, run as written there, with the answers checked.
for (const target of targets) {
  describe(`README use cases on ${target.name}`, () => {
    let t: TestDatabase
    let client: TimescaleClient<TestDatabase['db']>
    beforeAll(async () => {
      t = await target.open()
      client = await ClientFactory.fromDrizzle(t.db)
    })
    afterAll(async () => {
      await client.close()
      await t.close()
    })

    test('IoT sensor networks: one reading in, hourly averages out', async () => {
      await client.insertRecord({
        entity_id: 'temp_sensor_01',
        time: '2024-01-15T10:30:00Z',
        value: 23.5,
        value2: 65.2,
        value3: 1013.25,
        metadata: { location: 'warehouse_a', room: 'server_room', sensor_type: 'DHT22', battery_level: 85 },
      })
      await client.insertRecord({ entity_id: 'temp_sensor_01', time: '2024-01-15T10:45:00Z', value: 24.5 })
      const hourly = await client.getTimeBuckets(
        'temp_sensor_01',
        '1 hour',
        { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' },
        { aggregateFunction: 'avg', order: 'asc' },
      )
      expect(hourly).toEqual([{ bucket: '2024-01-15T10:00:00.000000Z', entity_id: 'temp_sensor_01', value: 24, count: 2 }])
      const [stored] = await client.getRecords('temp_sensor_01', { from: '2024-01-15T10:30:00Z', to: '2024-01-15T10:31:00Z' })
      expect(stored?.metadata).toEqual({ location: 'warehouse_a', room: 'server_room', sensor_type: 'DHT22', battery_level: 85 })
    })

    test('server monitoring: a batch, the peak CPU, the latest values', async () => {
      const dayAgo = new Date(Date.now() - 86_400_000)
      const samples: TimeSeriesRecord[] = []
      for (let i = 0; i < 60; i++) {
        for (const server of ['server_prod_01', 'server_prod_02']) {
          samples.push({
            entity_id: server,
            time: new Date(dayAgo.getTime() + (i + 1) * 60_000),
            value: 40 + (i % 30) + (server.endsWith('2') ? 1 : 0),
            value2: 8.1,
            value3: 1024.5,
            value4: 0.8,
          })
        }
      }
      const result = await client.insertManyRecords(samples)
      expect(result.written).toBe(120)
      const peakCpu = await client.getAggregate('server_prod_01', 'max', 'value', { from: dayAgo, to: new Date() })
      expect(peakCpu).toBe(69)
      const now = await client.getLatestValues(['server_prod_01', 'server_prod_02'])
      expect(now.map((r) => [r.entity_id, r.value])).toEqual([
        ['server_prod_01', 40 + (59 % 30)],
        ['server_prod_02', 41 + (59 % 30)],
      ])
    })

    test('application metrics: the success rate is the average of the success flag', async () => {
      const hourAgo = new Date(Date.now() - 3_600_000)
      for (const [i, ok] of [1, 1, 0, 1].entries()) {
        await client.insertRecord({
          entity_id: 'api_gateway',
          time: new Date(hourAgo.getTime() + (i + 1) * 1000),
          value: 145.2,
          value2: ok,
          value3: 502.1,
          value4: 1024.8,
          metadata: { endpoint: '/api/v1/users', method: 'GET', status_code: ok ? 200 : 500 },
        })
      }
      const successRate = await client.getAggregate('api_gateway', 'avg', 'value2', { from: hourAgo, to: new Date() })
      expect(successRate).toBe(0.75)
    })

    test('industrial equipment: an entity, and a streamed scan for vibration alerts', async () => {
      const machine = await client.upsertEntity({
        entity_id: 'machine_001',
        entity_type: 'machine',
        name: 'Press 1',
        metadata: { production_line: 'line_a' },
      })
      expect(machine).toMatchObject({ entity_id: 'machine_001', entity_type: 'machine', is_active: true })
      const shiftStart = new Date('2024-01-15T06:00:00Z')
      const shiftEnd = new Date('2024-01-15T14:00:00Z')
      const rows: TimeSeriesRecord[] = []
      for (let i = 0; i < 480; i++) {
        rows.push({
          entity_id: 'machine_001',
          time: new Date(shiftStart.getTime() + i * 60_000),
          value: 2850,
          value2: 98.5,
          value3: 75.2,
          value4: i % 100 === 0 ? 42.1 : 12,
        })
      }
      await client.insertManyRecords(rows)
      const alerts: string[] = []
      for await (const row of client.streamRecords('machine_001', { from: shiftStart, to: shiftEnd }, { pageSize: 100 })) {
        if (row.value4 !== null && row.value4 > 40) alerts.push(row.time)
      }
      expect(alerts).toEqual(['06:00', '07:40', '09:20', '11:00', '12:40'].map((hm) => `2024-01-15T${hm}:00.000000Z`))
    })
  })
}
