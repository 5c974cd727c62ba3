import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { describeTimescale } from '../src/inspect/index.ts'
import { queryRows } from '../src/internal/query-rows.ts'
import { migrate } from '../src/migrate.ts'
import { hasTsl, type TestDatabase, targets } from './support/targets.ts'

const ALL = ['0000_timescaledb_extension', '0001_tables', '0002_hypertable', '0003_compression_retention', '0004_hourly_metrics']

for (const target of targets) {
  describe(`migrations on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open({ migrate: false })
    })
    afterAll(() => t.close())

    test('applies every migration once, and a second run is a no-op', async () => {
      expect((await migrate(t.db)).applied).toEqual(ALL)
      expect((await migrate(t.db)).applied).toEqual([])
      const rows = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from drizzle.__drizzle_timescale_migrations`)
      expect(rows[0]?.n).toBe(ALL.length)
    })

    test('time_series_data is a hypertable: 1-day chunks on time, 4 hash partitions on entity_id', async () => {
      const d = await describeTimescale(t.db)
      const h = d.hypertables.find((x) => x.name === 'time_series_data')
      expect(h?.dimensions).toEqual([
        { column: 'time', kind: 'time', chunkInterval: '1 day', partitions: null },
        { column: 'entity_id', kind: 'hash', chunkInterval: null, partitions: 4 },
      ])
    })

    test('has the schema indexes and not the TimescaleDB defaults', async () => {
      const rows = await queryRows<{ indexname: string }>(
        t.db,
        sql`select indexname from pg_indexes where schemaname = 'public' and tablename in ('time_series_data', 'entities') order by 1`,
      )
      expect(rows.map((r) => r.indexname)).toEqual([
        'entities_pkey',
        'ix_entities_entity_type',
        'ix_entities_is_active',
        'ix_time_series_data_metadata_gin',
        'ix_time_series_data_time',
        'ix_time_series_data_value_time',
        'time_series_data_pkey',
      ])
    })

    test('chunks are created per day and per hash partition', async () => {
      await t.db.execute(sql`insert into time_series_data (entity_id, time, value)
        select 'chunk-e' || (i % 8), timestamptz '2024-01-01 00:00:00+00' + make_interval(hours => i), i
        from generate_series(0, 47) i`)
      const [row] = await queryRows<{ chunks: number }>(t.db, sql`select count(*)::int as chunks from show_chunks('time_series_data')`)
      // 2 days x up to 4 hash partitions; 8 entity ids fall into more than one partition.
      expect(row?.chunks).toBeGreaterThan(2)
      expect(row?.chunks).toBeLessThanOrEqual(8)
      await t.db.execute(sql`delete from time_series_data where entity_id like 'chunk-e%'`)
    })

    test.if(hasTsl(target))('compression: segment by entity_id, order by time DESC, 7-day policy', async () => {
      const d = await describeTimescale(t.db)
      const h = d.hypertables.find((x) => x.name === 'time_series_data')
      expect(h?.compression).toEqual({ enabled: true, segmentBy: ['entity_id'], orderBy: ['time DESC'] })
      const job = d.jobs.find((j) => j.procedure === 'policy_compression')
      expect(job?.config?.compress_after).toBe('7 days')
    })

    test.if(hasTsl(target))('retention policy drops chunks older than 1 year when run with run_job', async () => {
      const d = await describeTimescale(t.db)
      const job = d.jobs.find((j) => j.procedure === 'policy_retention')
      expect(job?.config?.drop_after).toBe('1 year')
      await t.db.execute(sql`insert into time_series_data (entity_id, time, value) values
        ('retention-old', now() - interval '400 days', 1), ('retention-new', now() - interval '1 day', 2)`)
      await t.db.execute(sql.raw(`call run_job(${job?.id})`))
      const rows = await queryRows<{ entity_id: string }>(
        t.db,
        sql`select entity_id from time_series_data where entity_id like 'retention-%' order by 1`,
      )
      expect(rows.map((r) => r.entity_id)).toEqual(['retention-new'])
      await t.db.execute(sql`delete from time_series_data where entity_id like 'retention-%'`)
    })

    test.if(hasTsl(target))('compression policy compresses chunks older than 7 days when run', async () => {
      await t.db.execute(sql`insert into time_series_data (entity_id, time, value)
        select 'compress-e', now() - interval '10 days' + make_interval(mins => i), i from generate_series(1, 100) i`)
      const job = (await describeTimescale(t.db)).jobs.find((j) => j.procedure === 'policy_compression')
      await t.db.execute(sql.raw(`call run_job(${job?.id})`))
      const [stats] = await queryRows<{ compressed: number; total: number }>(
        t.db,
        sql`select count(*) filter (where is_compressed)::int as compressed, count(*)::int as total
            from timescaledb_information.chunks where hypertable_name = 'time_series_data'`,
      )
      expect(stats?.compressed).toBeGreaterThan(0)
      const [sum] = await queryRows<{ s: number }>(
        t.db,
        sql`select sum(value)::float8 as s from time_series_data where entity_id = 'compress-e'`,
      )
      expect(sum?.s).toBe(5050)
    })

    test.if(hasTsl(target))('hourly_metrics aggregates per hour, real-time and after a refresh', async () => {
      await t.db.execute(sql`insert into time_series_data (entity_id, time, value) values
        ('cagg-e', '2024-03-01 10:05:00+00', 1), ('cagg-e', '2024-03-01 10:35:00+00', 3),
        ('cagg-e', '2024-03-01 11:10:00+00', 10)`)
      const read = () =>
        queryRows<{ hour: string; avg_value: number; max_value: number; min_value: number; data_points: number }>(
          t.db,
          sql`select hour::text, avg_value, max_value, min_value, data_points::int
              from hourly_metrics where entity_id = 'cagg-e' order by hour`,
        )
      const expected = [
        { hour: '2024-03-01 10:00:00+00', avg_value: 2, max_value: 3, min_value: 1, data_points: 2 },
        { hour: '2024-03-01 11:00:00+00', avg_value: 10, max_value: 10, min_value: 10, data_points: 1 },
      ]
      expect(await read()).toEqual(expected)
      await t.db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', '2024-03-01', '2024-03-02')`)
      expect(await read()).toEqual(expected)
      const [watermark] = await queryRows<{ w: string }>(
        t.db,
        sql`select _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(
              (select mat_hypertable_id from _timescaledb_catalog.continuous_agg where user_view_name = 'hourly_metrics')))::text as w`,
      )
      // The watermark is the end of the last materialized bucket.
      expect(watermark?.w).toBe('2024-03-01 12:00:00+00')
    })

    test.if(!hasTsl(target))('on the Apache edition the TSL objects are absent and the rest applies', async () => {
      const d = await describeTimescale(t.db)
      expect(d.license).toBe('apache')
      expect(d.hypertables.map((h) => h.name)).toEqual(['time_series_data'])
      expect(d.continuousAggregates).toEqual([])
      expect(d.jobs).toEqual([])
      expect(t.notices.filter((n) => n.startsWith('drizzle-timescale: TimescaleDB license is apache'))).toHaveLength(2)
    })
  })
}
