/*
 * Fault: pg_terminate_backend on the client's connections while insertManyRecords writes 200,000
 * records, several times per call. With retries the call completes; without, it fails with a typed
 * error that says what was written (all or nothing on the atomic path, whole chunks with parallel
 * writers), and the same call again converges to exactly the records sent.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { BatchError, ConnectionError, ErrorCodes } from '../../src/errors.ts'
import type { InsertManyOptions } from '../../src/types.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import {
  type adminPool,
  bounded,
  makeRecords,
  outcome,
  type PlainRecord,
  report,
  sleep,
  stuckSessions,
  tally,
  terminate,
  useNativeFixture,
} from './support.ts'

const native = targets.find((t) => t.kind === 'native')
const RECORDS = 200_000
const CHUNK = 10_000
const CALL_CAP_MS = 90_000

/**
 * Terminates the backends of `app` `times` times while `running()` holds, each time once one of them
 * has been in a transaction for `afterMs` (and not before `notBeforeMs`); at most `capMs` in all. How many rounds killed a session.
 */
async function terminator(
  admin: ReturnType<typeof adminPool>,
  app: string,
  times: number,
  running: () => boolean,
  afterMs = 150,
  notBeforeMs = 0,
  capMs = CALL_CAP_MS,
): Promise<number> {
  const started = performance.now()
  await sleep(notBeforeMs)
  let hits = 0
  while (hits < times && running() && performance.now() - started < capMs) {
    const busy = await admin`select 1 from pg_stat_activity where datname = current_database() and application_name = ${app}
      and xact_start is not null and now() - xact_start > ${`${afterMs} milliseconds`}::interval limit 1`
    if (busy.length > 0 && (await terminate(admin, app)) > 0) hits++
    await sleep(25)
  }
  return hits
}

describe.if(native !== undefined)('pg_terminate_backend during insertManyRecords of 200,000 records', () => {
  const fx = useNativeFixture(native)
  let t: TestDatabase
  let admin: ReturnType<typeof adminPool>
  beforeAll(() => {
    ;({ t, admin } = fx)
  })
  const open = (app: string, maxRetries: number) =>
    fx.open(app, { maxConnections: 4, maxRetries, retryBaseDelayMs: 50, retryMaxDelayMs: 500 })

  // The default path (one plain COPY when every key is new), the staging upsert forced, and parallel writers.
  const modes: [string, InsertManyOptions][] = [
    ['atomic (default path)', { chunkSize: CHUNK }],
    ["atomic, staging upsert (method: 'copy')", { chunkSize: CHUNK, method: 'copy' }],
    ['parallel: 4', { chunkSize: CHUNK, parallel: 4 }],
  ]
  // INSERT ... unnest in a Drizzle transaction: a lost connection there ended the process (porsager/postgres#1208).
  const unnest: [string, InsertManyOptions] = [
    "atomic, unnest in a Drizzle transaction (method: 'unnest')",
    { chunkSize: CHUNK, method: 'unnest' },
  ]
  for (const [name, options] of [...modes, unnest]) {
    test(
      `${name}: terminated 3 times, the retried call completes with exactly the records sent`,
      async () => {
        const app = `dts-term-${options.parallel ?? 1}${options.method ?? ''}`
        const client = await open(app, 6)
        const prefix = `tb${options.parallel ?? 1}${options.method ?? ''}-`
        const records = makeRecords(prefix, RECORDS, { entities: 500 })
        let running = true
        const call = client.insertManyRecords(records, options).finally(() => {
          running = false
        })
        const hits = await terminator(admin, app, 3, () => running)
        const result = await bounded(call, CALL_CAP_MS, 'insertManyRecords under pg_terminate_backend')
        expect(hits).toBeGreaterThanOrEqual(1)
        expect(result).toMatchObject({ total: RECORDS, written: RECORDS, duplicates: 0, failed: 0 })
        const found = await tally(t.db, prefix, records)
        expect(found).toMatchObject({ sent: RECORDS, found: RECORDS, duplicates: 0, lost: 0 })
        expect(found.digest.md5).toBe(found.expected.md5)
        expect(await stuckSessions(admin, app)).toEqual([])
        report({ fault: `pg_terminate_backend ×${hits} during insertManyRecords, ${name}, retried`, runs: 1, ...found })
      },
      CALL_CAP_MS + 30_000,
    )

    if (options.method === 'unnest') continue
    test(
      `${name}: without retries the typed error says what was written; the same call again converges`,
      async () => {
        const app = `dts-term-once-${options.parallel ?? 1}${options.method ?? ''}`
        const client = await open(app, 0)
        const prefix = `tn${options.parallel ?? 1}${options.method ?? ''}-`
        const first = makeRecords(prefix, RECORDS, { entities: 500, salt: 1 })
        const records = makeRecords(prefix, RECORDS, { entities: 500, salt: 2 })
        // The first two chunks of keys already hold older values: a partial write would mix salts.
        await client.insertManyRecords(first.slice(0, 2 * CHUNK), options)
        let running = true
        const call = outcome(
          client.insertManyRecords(records, options).finally(() => {
            running = false
          }),
        )
        // Parallel: late enough that some chunks have committed.
        const hits = await terminator(admin, app, 1, () => running, 100, options.parallel ? 1500 : 0)
        const result = await bounded(call, CALL_CAP_MS, 'insertManyRecords without retries')
        expect(hits).toBe(1)
        expect(result.ok).toBe(false)
        const error = (result as { error: unknown }).error
        const newRows = await newRowsOf(admin, prefix, records)
        if (options.parallel === undefined) {
          // Atomic: a ConnectionError, and either none or all of the call's values (the commit may have raced the kill).
          expect(error).toBeInstanceOf(ConnectionError)
          expect((error as ConnectionError).code).toBe(ErrorCodes.CONNECTION)
          expect([0, RECORDS]).toContain(newRows)
        } else {
          // Parallel: a BatchError counting the committed rows; whole chunks only.
          expect(error).toBeInstanceOf(BatchError)
          const { written, notWritten, causeCode } = (error as BatchError).details as Record<string, number | string>
          expect(causeCode).toBe(ErrorCodes.CONNECTION)
          expect(Number(written) + Number(notWritten)).toBe(RECORDS)
          expect(newRows).toBeGreaterThanOrEqual(Number(written))
          expect(newRows % CHUNK).toBe(0)
        }
        expect(await stuckSessions(admin, app)).toEqual([])
        // Re-run the same call until it succeeds (at most 3 times): with no retries, a re-run may still
        // meet a pooled connection whose termination postgres.js has not read yet.
        let reruns = 0
        let again: Awaited<ReturnType<typeof client.insertManyRecords>> | undefined
        while (again === undefined && reruns < 3) {
          reruns++
          const rerun = await bounded(outcome(client.insertManyRecords(records, options)), CALL_CAP_MS, 'the same call again')
          if (rerun.ok) again = rerun.value
          else
            expect(
              (rerun.error as { details?: { causeCode?: string } }).details?.causeCode ?? (rerun.error as { code?: string }).code,
            ).toBe(ErrorCodes.CONNECTION)
        }
        expect(again?.written).toBe(RECORDS)
        const found = await tally(t.db, prefix, records)
        expect(found).toMatchObject({ sent: RECORDS, found: RECORDS, duplicates: 0, lost: 0 })
        expect(found.digest.md5).toBe(found.expected.md5)
        report({
          fault: `pg_terminate_backend during insertManyRecords, ${name}, no retries, then the same call again`,
          runs: 1 + reruns,
          ...found,
          note: `first call: ${(error as { code?: string }).code}${error instanceof BatchError ? ` (details.written ${error.details.written})` : ''}, ${newRows} of ${RECORDS} new values in place after it`,
        })
      },
      2 * CALL_CAP_MS,
    )
  }
})

/** Rows of `prefix` holding the values of `records` (the call's own, not the older ones), read on the admin pool (never terminated). */
async function newRowsOf(admin: ReturnType<typeof adminPool>, prefix: string, records: readonly PlainRecord[]): Promise<number> {
  const values = new Map(records.map((r) => [`${r.entity_id}|${r.time}`, r.value]))
  const rows = await admin<{ k: string; value: number }[]>`
    select entity_id || '|' || to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k, value
    from time_series_data where starts_with(entity_id, ${prefix})`
  return rows.filter((r) => values.get(r.k) === r.value).length
}
