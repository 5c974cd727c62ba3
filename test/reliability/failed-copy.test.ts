/*
 * Fault: the COPY ingest fails, 1,000 times, four ways: a COPY into the staging table refused by
 * the server after the data was sent (a malformed row that only a caller bypassing validation can
 * send: postgres.js 3.4.9 then never settled the stream, porsager/postgres#1173), a trigger raising
 * on a poison row (in the default path's plain COPY, and in the upsert from staging), and a CHECK
 * constraint refusing a value.
 * Afterwards the pool still works, holds no session idle in a transaction or stuck in a COPY, and
 * the table holds exactly the good rows.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import type { PostgresTimescaleDatabase, TimescaleClient } from '../../src/client/index.ts'
import { QueryError, ValidationError } from '../../src/errors.ts'
import { copyUpsert } from '../../src/repository/copy-upsert.ts'
import type { EncodedRow } from '../../src/repository/table-shape.ts'
import { timeSeriesShape } from '../../src/repository/time-series-shape.ts'
import { writeTargetOf } from '../../src/repository/write-target.ts'
import { targets } from '../support/targets.ts'
import { type adminPool, bounded, makeRecords, report, stuckSessions, tally, useNativeFixture } from './support.ts'

const native = targets.find((t) => t.kind === 'native')
const APP = 'dts-failed-copy'
const FAILURES = 1000
const CONCURRENCY = 4
const TIME_CAP_MS = 90_000

describe.if(native !== undefined)('a failed COPY on the native server', () => {
  const fx = useNativeFixture(native, (admin) =>
    admin.unsafe(`
      create function dts_refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.entity_id like 'poison%' then raise exception 'poison row %', new.entity_id; end if;
        return new;
      end $$;
      create trigger dts_refuse_poison before insert on time_series_data for each row execute function dts_refuse_poison();
      alter table time_series_data add constraint dts_value_below_1e300 check (value < 1e300);`),
  )
  let admin: ReturnType<typeof adminPool>
  let client: TimescaleClient<PostgresTimescaleDatabase>
  beforeAll(async () => {
    admin = fx.admin
    client = await fx.open(APP, { maxConnections: CONCURRENCY, maxRetries: 0 })
  })

  test(`${FAILURES} forced failures leave the pool healthy, nothing stuck, nothing written`, async () => {
    const pool = client.db.$client
    const good = makeRecords('fc-good', 40, { entities: 4 })
    const malformed: EncodedRow = {
      values: ['fc-bad', 'not a time', '1', null, null, null, null],
      timeMs: 0,
      key: 'fc-bad',
      part: 'fc-bad',
    }
    const kinds = [
      // COPY refused by the server after end(): 22007, the raw driver error (copyUpsert is internal).
      async () => {
        const error = await copyUpsert(pool, writeTargetOf(timeSeriesShape, []), [[malformed]]).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect((error as { code?: string })?.code).toBe('22007')
      },
      // A trigger raising on the poison row during INSERT ... SELECT from the staging table.
      async () => {
        const error = await client.insertManyRecords([...good, { entity_id: 'poison-1', time: good[0]?.time as string, value: 1 }]).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error).toBeInstanceOf(QueryError)
        expect((error as QueryError).details.sqlState).toBe('P0001')
      },
      // The same trigger on the staging path: the upsert from the staging table fails.
      async () => {
        const error = await client
          .insertManyRecords([...good, { entity_id: 'poison-2', time: good[0]?.time as string, value: 1 }], { method: 'copy' })
          .then(
            () => undefined,
            (e: unknown) => e,
          )
        expect(error).toBeInstanceOf(QueryError)
        expect((error as QueryError).details.sqlState).toBe('P0001')
      },
      // A CHECK constraint.
      async () => {
        const error = await client.insertManyRecords([...good, { entity_id: 'fc-huge', time: good[0]?.time as string, value: 1e301 }]).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error).toBeInstanceOf(QueryError)
        expect((error as QueryError).code).toBe('CONSTRAINT_VIOLATION')
      },
    ]
    const started = performance.now()
    let failures = 0
    while (failures < FAILURES && performance.now() - started < TIME_CAP_MS) {
      const round = Array.from({ length: CONCURRENCY }, (_, i) => kinds[(failures + i) % kinds.length] as () => Promise<void>)
      await bounded(Promise.all(round.map((run) => run())), 15_000, `failure round at ${failures}`)
      failures += round.length
    }
    expect(failures).toBe(FAILURES)

    // Nothing of the failed batches was written; the pool still writes and reads.
    expect((await tally(client.db, 'fc-', [])).found).toBe(0)
    expect(await stuckSessions(admin, APP)).toEqual([])
    const sessions =
      await admin`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${APP}`
    expect(sessions[0]?.n).toBeLessThanOrEqual(CONCURRENCY)
    const result = await bounded(client.insertManyRecords(good), 10_000, 'insert after the failures')
    expect(result.written).toBe(good.length)
    const after = await tally(client.db, 'fc-', good)
    expect(after).toMatchObject({ sent: 40, found: 40, duplicates: 0, lost: 0 })
    expect(after.digest.md5).toBe(after.expected.md5)
    report({
      fault:
        'failed COPY: staging COPY refused after the data was sent, trigger raising in the plain COPY and in the staging upsert, CHECK constraint',
      runs: FAILURES,
      ...after,
      note: 'then 1 good batch',
    })
    // Validation failures never reach the pool at all.
    const invalid = await client.insertManyRecords([{ ...good[0], value: Number.NaN } as never]).catch((e: unknown) => e)
    expect(invalid).toBeInstanceOf(ValidationError)
  }, 120_000)
})
