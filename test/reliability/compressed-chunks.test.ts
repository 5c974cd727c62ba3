/*
 * Compressed data (needs the Timescale license: the embedded database; skipped with a printed
 * reason on an Apache server). Upserts whose keys fall in chunks that are already compressed (new
 * keys, and keys that exist, by every write path of the client) end with the right final values
 * and nothing else changed; late data older than the continuous aggregate's watermark is missing
 * from hourly_metrics until the window is refreshed, and exact after it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ClientFactory, type TimescaleClient } from '../../src/client/index.ts'
import { ErrorCodes } from '../../src/errors.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import { timeSeriesShape } from '../../src/repository/time-series-shape.ts'
import { unnestRows } from '../../src/repository/unnest-rows.ts'
import { writeTargetOf } from '../../src/repository/write-target.ts'
import { toTimescaleError } from '../../src/to-timescale-error.ts'
import { heavyOn } from '../support/heavy.ts'
import { hasTsl, type TestDatabase, targets } from '../support/targets.ts'
import { makeRecords, type PlainRecord, report, tally } from './support.ts'

for (const target of targets) {
  describe.if(hasTsl(target))(`compressed chunks and the continuous aggregate on ${target.name}`, () => {
    let t: TestDatabase
    let client: TimescaleClient<AnyPgDatabase>
    beforeAll(async () => {
      t = await target.open()
      client = await ClientFactory.fromDrizzle(t.db, { maxRetries: 0 })
    }, 60_000)
    afterAll(async () => {
      await client?.close()
      await t?.close()
    }, 60_000)

    const compressedChunks = async () =>
      Number(
        (
          await queryRows<{ n: number }>(
            t.db,
            sql`select count(*)::int as n from timescaledb_information.chunks
          where hypertable_name = 'time_series_data' and is_compressed`,
          )
        )[0]?.n,
      )

    test('upserts into compressed chunks: new keys and existing keys, by insertRecord and insertManyRecords, end exact', async () => {
      const base = makeRecords('cz-', 4000, { entities: 8, start: '2024-02-01T00:00:00Z' })
      await client.insertManyRecords(base)
      await t.db.execute(sql`select compress_chunk(c) from show_chunks('time_series_data') c`)
      const compressedBefore = await compressedChunks()
      expect(compressedBefore).toBeGreaterThan(0)

      // Updates of existing keys (every 4th record, new values), and new keys in the same compressed chunks.
      const updates = base.filter((_, i) => i % 4 === 0).map((r) => ({ ...r, value: r.value + 0.5, metadata: { n: -1 } }))
      const fresh = makeRecords('cz-', 1000, { entities: 8, start: '2024-02-01T00:00:00Z' }).map((r) => ({
        ...r,
        time: r.time.replace(/\.\d{6}Z$/, '.999999Z'),
        value: -r.value,
      }))
      const one = { ...(base[1] as PlainRecord), value: 424242 }
      await client.insertManyRecords([...updates, ...fresh])
      await client.insertRecord(one)

      const expected = new Map<string, PlainRecord>()
      for (const r of [...base, ...updates, ...fresh, one]) expected.set(`${r.entity_id}|${r.time}`, r)
      const found = await tally(t.db, 'cz-', [...expected.values()])
      expect(found).toMatchObject({ sent: 5000, found: 5000, duplicates: 0, lost: 0 })
      expect(found.digest.md5).toBe(found.expected.md5)
      report({
        fault: 'upserts into already-compressed chunks (embedded, Timescale license)',
        runs: 3,
        ...found,
        note: `${updates.length + 1} updates of compressed rows and ${fresh.length} new keys in ${compressedBefore} compressed chunks`,
      })
    }, 30_000)

    test('late data older than the aggregate watermark shows up after a refresh', async () => {
      const hour = (h: number) => `2024-02-10T${String(h).padStart(2, '0')}:00:00Z`
      const at = (h: number, m: number) => `2024-02-10T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000000Z`
      await client.insertManyRecords(
        Array.from({ length: 6 }, (_, i) => ({ entity_id: 'late-1', time: at(1 + (i % 3), i * 5), value: 10 })),
      )
      await t.db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', '2024-02-10T00:00:00Z', '2024-02-11T00:00:00Z')`)
      const watermark = (
        await queryRows<{ w: string }>(
          t.db,
          sql`select _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(mat_hypertable_id))::text as w
            from _timescaledb_catalog.continuous_agg where user_view_name = 'hourly_metrics'`,
        )
      )[0]?.w
      expect(Date.parse(String(watermark))).toBeGreaterThan(Date.parse(hour(3)))
      const hourOne = async () =>
        (
          await queryRows<{ avg: number; n: number }>(
            t.db,
            sql`select avg_value::float8 as avg, data_points::int as n from hourly_metrics where entity_id = 'late-1' and hour = ${hour(1)}::timestamptz`,
          )
        )[0]
      expect(await hourOne()).toEqual({ avg: 10, n: 2 })

      // Late data for hour 1, below the watermark: the materialized bucket does not change by itself.
      await client.insertManyRecords([
        { entity_id: 'late-1', time: at(1, 40), value: 40 },
        { entity_id: 'late-1', time: at(1, 50), value: 40 },
      ])
      expect(await hourOne()).toEqual({ avg: 10, n: 2 })
      await t.db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', ${hour(1)}::timestamptz, ${hour(2)}::timestamptz)`)
      expect(await hourOne()).toEqual({ avg: 25, n: 4 })
      // And through the client: the same numbers from the raw rows.
      expect(await client.getAggregate('late-1', 'avg', 'value', { from: hour(1), to: hour(2) })).toBe(25)
    }, 30_000)

    // 100 entities, one row a minute for ~7 days: 32 chunks, all compressed (as the 7-day policy
    // leaves a server's history), then every key upserted with new values in one call. On the
    // embedded database CI writes 300,000 (~2 days, 3x the decompression limit: the same mechanism
    // in a third of the time, which was 2 of CI's 19 minutes); DTS_LONG=1 the million there too.
    const rows = target.kind === 'embedded' && process.env.DTS_LONG !== '1' ? 300_000 : 1_000_000
    // Heavy on the embedded database (bun run test:heavy): the next test's sparse upserts under a limit of 10,000 are its small form.
    test.if(heavyOn(target))(
      `${rows.toLocaleString('en-US')} upserts into compressed history end exact; no SERVER_LIMIT reaches the caller`,
      async () => {
        const start = Date.parse('2024-04-01T00:00:00Z')
        const perMinute = (records: PlainRecord[]) =>
          records.map((r, i) => ({ ...r, time: `${new Date(start + Math.floor(i / 100) * 60_000).toISOString().slice(0, 19)}.000000Z` }))
        const base = perMinute(makeRecords('mh-', rows, { entities: 100 }))
        await client.insertManyRecords(base)
        await t.db.execute(sql`select compress_chunk(c, if_not_compressed => true) from show_chunks('time_series_data') c`)
        const [limit] = await queryRows<{ v: string }>(
          t.db,
          sql`select current_setting('timescaledb.max_tuples_decompressed_per_dml_transaction') as v`,
        )
        expect(limit?.v).toBe('100000')
        const compressed = await compressedChunks()
        expect(compressed).toBeGreaterThanOrEqual(rows === 1_000_000 ? 28 : 8)

        const dense = perMinute(makeRecords('mh-', rows, { entities: 100, salt: 7 }))
        const result = await client.insertManyRecords(dense)
        expect(result.written).toBe(rows)
        const found = await tally(t.db, 'mh-', dense)
        expect(found).toMatchObject({ sent: rows, found: rows, duplicates: 0, lost: 0 })
        expect(found.digest.md5).toBe(found.expected.md5)
        report({
          fault: `${rows.toLocaleString('en-US')} upserts into compressed history (${target.name})`,
          runs: 1,
          ...found,
          note: `${compressed} compressed chunks; ${result.transactions} transactions in ${(result.durationMs / 1000).toFixed(1)} s`,
        })
      },
      300_000,
    )

    test('every write path upserts sparse keys into compressed chunks: auto, copy, unnest, parallel: 4, inside a transaction', async () => {
      // The decompression limit lowered to 10,000 for this database (the mechanism is the one of
      // the default 100,000, at a tenth of the rows): one day of 10 entities a minute (4 chunks),
      // compressed again before each path; each path upserts every 13th key, which one statement
      // could not (each key decompresses a batch of up to 1,000 rows).
      const limit = sql.raw('timescaledb.max_tuples_decompressed_per_dml_transaction')
      let writer = client
      if (t.url) {
        await t.db.execute(sql`alter database ${sql.identifier(new URL(t.url).pathname.slice(1))} set ${limit} = 10000`)
        writer = (await ClientFactory.fromConnectionString(t.url, { maxRetries: 0 })) as unknown as TimescaleClient<AnyPgDatabase>
      } else {
        await t.db.execute(sql`set ${limit} = 10000`)
      }
      const day = Date.parse('2024-06-01T00:00:00Z')
      const at = (i: number) => `${new Date(day + Math.floor(i / 10) * 60_000).toISOString().slice(0, 19)}.000000Z`
      const base = makeRecords('pp-', 14_400, { entities: 10 }).map((r, i) => ({ ...r, time: at(i) }))
      await writer.insertManyRecords(base)
      const recompress = () =>
        writer.db.execute(sql`select compress_chunk(c, if_not_compressed => true, recompress => true)
          from show_chunks('time_series_data', newer_than => ${new Date(day).toISOString()}::timestamptz,
            older_than => ${new Date(day + 86_400_000).toISOString()}::timestamptz) c`)
      const sparse = (salt: number) => base.filter((_, i) => i % 13 === 0).map((r) => ({ ...r, value: r.value + salt }))
      await recompress()
      const oneStatement = await writer.db
        .execute(
          unnestRows(
            writeTargetOf(timeSeriesShape, []),
            sparse(0.5).map((r) => timeSeriesShape.encode(r)),
          ),
        )
        .then(
          () => undefined,
          (e: unknown) => toTimescaleError(e),
        )
      expect(oneStatement?.code).toBe(ErrorCodes.SERVER_LIMIT)
      const paths: [string, (records: PlainRecord[]) => Promise<unknown>][] = [
        ['auto', (r) => writer.insertManyRecords(r)],
        ['copy', (r) => writer.insertManyRecords(r, { method: 'copy' })],
        ['unnest', (r) => writer.insertManyRecords(r, { method: 'unnest' })],
        ['parallel: 4', (r) => writer.insertManyRecords(r, { parallel: 4, chunkSize: 500 })],
        ['in a transaction', (r) => writer.db.transaction((tx) => insertManyRecords(tx, r))],
      ]
      let expected: PlainRecord[] = base
      for (const [index, [name, write]] of paths.entries()) {
        if (name === 'copy' && target.kind !== 'native') continue // the staging COPY is postgres.js's
        await recompress()
        const rows = sparse(index + 1)
        await write(rows)
        expected = [...expected, ...rows]
        const found = await tally(writer.db, 'pp-', expected)
        expect({ name, ...found, same: found.digest.md5 === found.expected.md5 }).toMatchObject({
          name,
          duplicates: 0,
          lost: 0,
          same: true,
        })
      }
      if (writer !== client) await writer.close()
      else await t.db.execute(sql`reset ${limit}`)
    }, 300_000)
  })
}
