/*
 * Fault: 8 writers (8 clients) upsert the same keys (same entities, same times) at once, into
 * chunks that do not exist yet, each in its own shuffled order and in several statements per
 * transaction. insertManyRecords writes rows in key order, so overlapping batches wait for each
 * other instead of deadlocking (before that order, this test deadlocked for over a minute per
 * round); a deadlock with someone else's transaction (40P01) is retried and never reaches the
 * caller. Every call is one transaction over all keys, so the final table of a round must be
 * exactly one writer's batch (the last to commit): never a mix.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ClientFactory, type PostgresTimescaleDatabase, type TimescaleClient } from '../../src/client/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { adminPool, bounded, digestOf, type PlainRecord, report, tableDigest } from './support.ts'

const native = targets.find((t) => t.kind === 'native')
const WRITERS = 8
const ROUNDS = 4
const ENTITIES = 40
const TIMES = 100
const ROUND_CAP_MS = 60_000

/** Round `round`'s batch of writer `writer`: every key of the round's (new) day, in a writer-specific order. */
function batch(round: number, writer: number): PlainRecord[] {
  const day = Date.UTC(2024, 5, 1 + round)
  const records: PlainRecord[] = []
  for (let e = 0; e < ENTITIES; e++) {
    for (let s = 0; s < TIMES; s++) {
      records.push({
        entity_id: `cw-${e}`,
        time: `${new Date(day + s * 60_000).toISOString().slice(0, 19)}.000000Z`,
        value: round * 100 + writer,
        value2: writer,
        value3: round,
        value4: null,
        metadata: null,
      })
    }
  }
  // A deterministic shuffle per writer (xorshift), so that lock orders differ between writers.
  let seed = (round + 1) * 7919 + (writer + 1) * 104_729
  for (let i = records.length - 1; i > 0; i--) {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    const j = Math.abs(seed) % (i + 1)
    ;[records[i], records[j]] = [records[j] as PlainRecord, records[i] as PlainRecord]
  }
  return records
}

describe.if(native !== undefined)(`${WRITERS} concurrent writers upserting the same keys`, () => {
  let t: TestDatabase
  let admin: ReturnType<typeof adminPool>
  const writers: TimescaleClient<PostgresTimescaleDatabase>[] = []
  beforeAll(async () => {
    t = await (native as NonNullable<typeof native>).open()
    admin = adminPool(t.url as string)
    for (let w = 0; w < WRITERS; w++) {
      writers.push(
        await ClientFactory.fromConnectionString(t.url as string, {
          maxConnections: 1,
          maxRetries: 20,
          retryBaseDelayMs: 10,
          retryMaxDelayMs: 200,
        }),
      )
    }
  }, 60_000)
  afterAll(async () => {
    await Promise.all(writers.map((client) => client.close({ timeout: 1 })))
    await admin?.end({ timeout: 1 })
    await t?.close()
  }, 60_000)

  const deadlocks = async () =>
    Number((await admin`select deadlocks::int as n from pg_stat_database where datname = current_database()`)[0]?.n)
  const chunks = async () => Number((await admin`select count(*)::int as n from show_chunks('time_series_data')`)[0]?.n)

  test(
    `${ROUNDS} rounds into new chunks: no deadlock reaches a caller, each round ends as exactly one writer's batch`,
    async () => {
      const deadlocksBefore = await deadlocks()
      const winners: number[] = []
      const sent: PlainRecord[] = []
      for (let round = 0; round < ROUNDS; round++) {
        const chunksBefore = await chunks()
        // The barrier: every writer of the round has finished before the next round starts.
        const results = await bounded(
          Promise.all(writers.map((client, w) => client.insertManyRecords(batch(round, w), { chunkSize: 1000 }))),
          ROUND_CAP_MS,
          `round ${round}`,
        )
        expect(results.map((r) => r.written)).toEqual(Array(WRITERS).fill(ENTITIES * TIMES))
        expect(await chunks()).toBeGreaterThan(chunksBefore)
        const rows = await admin<{ value2: number; n: number }[]>`
        select value2::int as value2, count(*)::int as n from time_series_data where value3 = ${round} group by value2`
        expect(rows).toHaveLength(1)
        const winner = rows[0]?.value2 as number
        winners.push(winner)
        sent.push(...batch(round, winner))
      }
      const found = await tableDigest(t.db, 'cw-')
      const expected = digestOf(sent)
      expect(found).toEqual(expected)
      const retried = (await deadlocks()) - deadlocksBefore
      console.log(`[reliability] concurrent writers: winners per round ${winners.join(', ')}; ${retried} deadlocks detected by the server`)
      report({
        fault: `${WRITERS} concurrent writers, same keys, new chunks, shuffled lock order`,
        runs: ROUNDS * WRITERS,
        sent: expected.rows,
        found: found.rows,
        duplicates: found.rows - found.keys,
        lost: expected.rows - found.keys,
        note: `${retried} deadlocks (rows go in key order, so overlapping batches wait instead); each round = one writer's batch`,
      })
    },
    ROUNDS * ROUND_CAP_MS,
  )

  test('a real deadlock with another transaction (40P01) is retried: the call completes, its values win', async () => {
    const client = writers[0] as TimescaleClient<PostgresTimescaleDatabase>
    const records = batch(ROUNDS, 0).filter((r) => r.entity_id === 'cw-0' || r.entity_id === 'cw-1')
    await client.insertManyRecords(records.map((r) => ({ ...r, value: -1 })))
    const inKeyOrder = [...records].sort((a, b) =>
      a.entity_id === b.entity_id ? (a.time < b.time ? -1 : 1) : a.entity_id < b.entity_id ? -1 : 1,
    )
    const first = inKeyOrder[0] as PlainRecord
    const last = inKeyOrder.at(-1) as PlainRecord
    const deadlocksBefore = await deadlocks()
    const other = adminPool(t.url as string)
    try {
      // Another transaction holds the last key; the call locks every key up to it and waits; then the
      // other transaction wants the first key: a cycle. The call's backend runs the deadlock check
      // (after its deadlock_timeout, 1 s) and aborts itself, and the retry waits its turn. The other
      // transaction's own check waits 20 s, so that on a loaded machine it never runs first.
      let call: ReturnType<typeof client.insertManyRecords> | undefined
      await other.begin(async (tx) => {
        await tx`set local deadlock_timeout = '20s'`
        await tx`update time_series_data set value = 0 where entity_id = ${last.entity_id} and time = ${last.time}`
        call = client.insertManyRecords(records)
        call.catch(() => {})
        for (let i = 0; i < 200; i++) {
          const [row] = await admin`select count(*)::int as n from pg_stat_activity where datname = current_database()
            and wait_event_type = 'Lock' and pid <> pg_backend_pid()`
          if (Number(row?.n) > 0) break
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        await tx`update time_series_data set value = 0 where entity_id = ${first.entity_id} and time = ${first.time}`
      })
      const result = await bounded(call as NonNullable<typeof call>, 30_000, 'the call that lost the deadlock')
      expect(result.written).toBe(records.length)
    } finally {
      await other.end({ timeout: 1 })
    }
    expect((await deadlocks()) - deadlocksBefore).toBe(1)
    const found = await tableDigest(t.db, 'cw-')
    const rows = await admin`select count(*)::int as n from time_series_data where value3 = ${ROUNDS} and value = 0`
    expect(rows[0]?.n).toBe(0)
    expect(found.rows).toBe(ROUNDS * ENTITIES * TIMES + records.length)
    report({
      fault: 'deadlock (40P01) of insertManyRecords with another transaction',
      runs: 1,
      sent: records.length,
      found: records.length,
      duplicates: 0,
      lost: 0,
      note: '1 deadlock detected, the call retried and committed last',
    })
  }, 30_000)
})
