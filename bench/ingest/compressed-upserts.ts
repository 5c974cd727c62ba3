import { sql } from 'drizzle-orm'
import type { TimescaleClient } from '../../src/client/index.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import type { Check, Comparison, Database } from '../results.ts'
import { median, timed } from '../timing.ts'
import { fmt } from './native-ingest.ts'

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

/**
 * Upserts into compressed history against upserts into uncompressed history, side by side on one
 * database: two days of per-minute rows of `entities` entities, the first day's chunks compressed
 * (what the compression policy does in production). Each repeat upserts every key of each day
 * with new values through `insertManyRecords` (the compressed day first recompressed, so every
 * repeat meets a fully compressed day); the median of the repeats is reported as rows/s, and the
 * ratio says how much slower a compressed day is. Checks: the values of both days end as written.
 */
export async function compressedUpserts(
  database: Database,
  client: TimescaleClient<AnyPgDatabase>,
  options: { entities: number; repeats: number },
): Promise<Comparison> {
  const db = client.db
  const start = Date.parse('2024-05-01T00:00:00Z')
  const perDay = (dayIndex: number, salt: number): TimeSeriesRecord[] => {
    const rows: TimeSeriesRecord[] = []
    for (let m = 0; m < 1440; m++) {
      for (let e = 0; e < options.entities; e++) {
        rows.push({ entity_id: `cu-${e}`, time: new Date(start + dayIndex * DAY_MS + m * MINUTE_MS).toISOString(), value: salt + m })
      }
    }
    return rows
  }
  await client.insertManyRecords([...perDay(0, 0), ...perDay(1, 0)])
  const compressDayOne = async () => {
    await db.execute(sql`select compress_chunk(c, if_not_compressed => true, recompress => true)
      from show_chunks('time_series_data', older_than => ${new Date(start + DAY_MS).toISOString()}::timestamptz) c`)
  }
  const layout = async () =>
    (
      await queryRows<{ compressed: boolean; n: number }>(
        db,
        sql`select is_compressed as compressed, count(*)::int as n from timescaledb_information.chunks
            where hypertable_name = 'time_series_data' group by 1 order by 1`,
      )
    ).map((r) => `${r.compressed ? 'compressed' : 'uncompressed'}: ${r.n}`)
  await compressDayOne()
  const chunks = await layout()
  const samples = { compressed: [] as number[], uncompressed: [] as number[] }
  const rows = 1440 * options.entities
  for (let r = 1; r <= options.repeats; r++) {
    await compressDayOne()
    samples.compressed.push(await timed(() => client.insertManyRecords(perDay(0, r))))
    samples.uncompressed.push(await timed(() => client.insertManyRecords(perDay(1, r))))
  }
  const sums = await queryRows<{ day: number; total: number; n: number }>(
    db,
    sql`select (time >= ${new Date(start + DAY_MS).toISOString()}::timestamptz)::int as day, sum(value)::float8 as total, count(*)::int as n
        from time_series_data where time >= ${new Date(start).toISOString()}::timestamptz
          and time < ${new Date(start + 2 * DAY_MS).toISOString()}::timestamptz group by 1 order by 1`,
  )
  const want = options.entities * (1440 * options.repeats + (1439 * 1440) / 2)
  const check: Check = {
    name: 'both days hold every key once, with the last values written',
    ok: sums.length === 2 && sums.every((s) => Number(s.n) === rows && Number(s.total) === want),
    detail: sums.map((s) => `day ${s.day}: ${s.n} rows, sum ${s.total} (want ${rows}, ${want})`).join('; '),
  }
  const rate = (ms: number[]) => (rows / median(ms)) * 1000
  const compressed = rate(samples.compressed)
  const uncompressed = rate(samples.uncompressed)
  return {
    id: `ingest.${database}.compressed-upserts`,
    group: 'ingest',
    database,
    title: `Upserts of existing keys into compressed history vs uncompressed history (insertManyRecords, ${fmt(rows)} keys a day)`,
    unit: 'rows/s',
    params: { entities: options.entities, rowsPerDay: rows, repeats: options.repeats, chunks: chunks.join(', ') },
    entries: [
      {
        name: 'uncompressed',
        label: 'every key of an uncompressed day',
        value: uncompressed,
        samples: samples.uncompressed.map((ms) => (rows / ms) * 1000),
      },
      {
        name: 'compressed',
        label: 'every key of a compressed day (the chunks recompressed before each repeat)',
        value: compressed,
        samples: samples.compressed.map((ms) => (rows / ms) * 1000),
      },
    ],
    ratios: [{ of: 'uncompressed', to: 'compressed', value: uncompressed / compressed }],
    checks: [check],
    note: "TimescaleDB decompresses the batches each upsert touches into the chunk's uncompressed part (statements sized under timescaledb.max_tuples_decompressed_per_dml_transaction); the compression policy compresses them again at its next run.",
  }
}
