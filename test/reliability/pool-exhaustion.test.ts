/*
 * Fault: more concurrent calls than pooled connections. Without a limit they queue and all
 * complete; with `acquireTimeout` a call that gets no connection in time fails with a
 * ConnectionError coded CONNECTION_TIMEOUT, having sent nothing.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { AcquireGate } from '../../src/client/acquire-gate.ts'
import { resolveClientConfig } from '../../src/client/client-config.ts'
import { ClientFactory } from '../../src/client/index.ts'
import { ConnectionError, ErrorCodes, type TimescaleClientError, ValidationError } from '../../src/errors.ts'
import { closedPort } from '../client/closed-port.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import {
  type adminPool,
  bounded,
  createSlowRowTrigger,
  makeRecords,
  outcome,
  type PlainRecord,
  report,
  sleep,
  tally,
  useNativeFixture,
} from './support.ts'

const native = targets.find((t) => t.kind === 'native')

/** A promise and its resolve function. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe('AcquireGate', () => {
  test('runs at most `capacity` at once, first come first served, and frees a slot on failure', async () => {
    const gate = new AcquireGate(2, 1000)
    const order: number[] = []
    let running = 0
    let peak = 0
    const holds = Array.from({ length: 6 }, deferred)
    const calls = holds.map((hold, i) =>
      outcome(
        gate.run(1, async () => {
          order.push(i)
          peak = Math.max(peak, ++running)
          await hold.promise
          running--
          if (i === 0) throw new Error('boom')
          return i
        }),
      ),
    )
    expect(gate.waiting).toBe(4)
    for (const hold of holds) {
      hold.resolve()
      await sleep(1)
    }
    const results = await Promise.all(calls)
    expect(order).toEqual([0, 1, 2, 3, 4, 5])
    expect(peak).toBe(2)
    expect(results.map((r) => r.ok)).toEqual([false, true, true, true, true, true])
    expect(gate.waiting).toBe(0)
  }, 30_000)

  test('a call that waits longer than the timeout fails with CONNECTION_TIMEOUT and never runs', async () => {
    const gate = new AcquireGate(1, 50)
    const hold = deferred()
    const first = gate.run(1, () => hold.promise)
    let ran = false
    const started = performance.now()
    const second = await outcome(
      gate.run(1, async () => {
        ran = true
      }),
    )
    const waited = performance.now() - started
    expect(second.ok).toBe(false)
    const error = (second as { error: unknown }).error
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error).toMatchObject({ code: ErrorCodes.CONNECTION_TIMEOUT, details: { acquireTimeout: 0.05, maxConnections: 1 } })
    expect(waited).toBeGreaterThanOrEqual(45)
    expect(waited).toBeLessThan(1000)
    expect(ran).toBe(false)
    hold.resolve()
    await first
    expect(await gate.run(1, async () => 'free again')).toBe('free again')
  }, 30_000)

  test('a call needing several connections waits for all of them; one needing more than capacity takes capacity', async () => {
    const gate = new AcquireGate(3, 1000)
    const hold = deferred()
    const small = gate.run(1, () => hold.promise)
    let bigStarted = false
    const big = gate.run(3, async () => {
      bigStarted = true
    })
    const huge = gate.run(16, async () => 'clamped to 3')
    await sleep(5)
    expect(bigStarted).toBe(false)
    hold.resolve()
    await Promise.all([small, big])
    expect(bigStarted).toBe(true)
    expect(await huge).toBe('clamped to 3')
  }, 30_000)

  test('an abort (client closed) rejects a waiting call with CLIENT_CLOSED at once', async () => {
    const gate = new AcquireGate(1, 10_000)
    const hold = deferred()
    const first = gate.run(1, () => hold.promise)
    const closing = new AbortController()
    const waiting = outcome(gate.run(1, async () => 'never', closing.signal))
    closing.abort()
    const result = await bounded(waiting, 1000, 'the aborted wait')
    expect((result as { error: TimescaleClientError }).error.code).toBe(ErrorCodes.CLIENT_CLOSED)
    hold.resolve()
    await first
  }, 30_000)

  test('acquireTimeout is validated: seconds from 0 to 3600', async () => {
    expect(resolveClientConfig({ acquireTimeout: 2.5 }).acquireTimeoutMs).toBe(2500)
    expect(resolveClientConfig({}).acquireTimeoutMs).toBeUndefined()
    for (const bad of [-1, 3601, Number.NaN, '5', null]) {
      const error = await outcome(
        ClientFactory.fromConnectionString(`postgres://app:pw@127.0.0.1:${closedPort()}/x`, { acquireTimeout: bad as never }),
      )
      expect((error as { error: unknown }).error).toBeInstanceOf(ValidationError)
      expect((error as { error: ValidationError }).error.details.field).toBe('acquireTimeout')
    }
  }, 30_000)
})

describe.if(native !== undefined)('pool exhaustion on the native server', () => {
  const fx = useNativeFixture(native, (admin) => createSlowRowTrigger(admin, 'slow-row', 1.5))
  let t: TestDatabase
  let admin: ReturnType<typeof adminPool>
  beforeAll(() => {
    ;({ t, admin } = fx)
  })
  const open = (app: string, options: { maxConnections: number; acquireTimeout?: number }) => fx.open(app, options)

  for (const acquireTimeout of [undefined, 30]) {
    test(`48 concurrent calls on 2 connections${acquireTimeout ? ` (acquireTimeout ${acquireTimeout} s)` : ''} queue and all complete`, async () => {
      const app = `dts-pool-${acquireTimeout ?? 'none'}`
      const client = await open(app, { maxConnections: 2, ...(acquireTimeout ? { acquireTimeout } : {}) })
      const prefix = `pe${acquireTimeout ?? 0}-`
      const batches = Array.from({ length: 32 }, (_, i) => makeRecords(`${prefix}${i}-`, 500, { entities: 5 }))
      let peak = 0
      let sampling = true
      const sampler = (async () => {
        for (let i = 0; sampling && i < 2000; i++) {
          const [row] =
            await admin`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${app}`
          peak = Math.max(peak, Number(row?.n))
          await sleep(5)
        }
      })()
      const calls = [
        ...batches.map((batch, i) =>
          i % 2 === 0 ? client.insertManyRecords(batch) : client.insertManyRecords(batch, { parallel: 2, chunkSize: 250 }),
        ),
        ...Array.from({ length: 16 }, (_, i) => client.getLatestValues([`${prefix}${i}-0`])),
      ]
      const results = await bounded(Promise.all(calls), 60_000, '48 queued calls')
      sampling = false
      await sampler
      expect(results).toHaveLength(48)
      expect(peak).toBeLessThanOrEqual(2)
      const sent: PlainRecord[] = batches.flat()
      const found = await tally(t.db, prefix, sent)
      expect(found).toMatchObject({ sent: 16_000, found: 16_000, duplicates: 0, lost: 0 })
      expect(found.digest.md5).toBe(found.expected.md5)
      report({
        fault: `pool exhaustion: 48 concurrent calls on 2 connections${acquireTimeout ? `, acquireTimeout ${acquireTimeout} s` : ''}`,
        runs: 48,
        ...found,
        note: `at most ${peak} sessions seen`,
      })
    }, 30_000)
  }

  test('acquireTimeout: a call that gets no connection in time is a CONNECTION_TIMEOUT and writes nothing', async () => {
    const app = 'dts-pool-timeout'
    const client = await open(app, { maxConnections: 1, acquireTimeout: 0.3 })
    const slow = client.insertManyRecords([{ entity_id: 'slow-row', time: '2024-03-01T00:00:00Z', value: 1 }])
    await sleep(50)
    const blocked = makeRecords('pt-', 100, { entities: 2 })
    const started = performance.now()
    const result = await bounded(outcome(client.insertManyRecords(blocked)), 5000, 'the blocked call')
    const waited = performance.now() - started
    expect(result.ok).toBe(false)
    const error = (result as { error: unknown }).error as ConnectionError
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error).toMatchObject({ code: ErrorCodes.CONNECTION_TIMEOUT, details: { acquireTimeout: 0.3, maxConnections: 1, attempts: 1 } })
    expect(error.message).toContain('acquireTimeout')
    expect(waited).toBeGreaterThanOrEqual(280)
    expect(waited).toBeLessThan(1400)
    expect(await bounded(slow, 10_000, 'the slow call')).toMatchObject({ written: 1 })
    expect((await tally(t.db, 'pt-', [])).found).toBe(0)
    // Once the connection is free, the same call goes through.
    await client.insertManyRecords(blocked)
    const found = await tally(t.db, 'pt-', blocked)
    expect(found).toMatchObject({ found: 100, duplicates: 0, lost: 0 })
    report({
      fault: 'acquireTimeout 0.3 s on a busy 1-connection pool: CONNECTION_TIMEOUT, then the call again',
      runs: 2,
      ...found,
      note: `failed after ${Math.round(waited)} ms, nothing sent`,
    })
  }, 30_000)

  test('close() while calls wait for a connection: they fail with CLIENT_CLOSED at once', async () => {
    const client = await open('dts-pool-close', { maxConnections: 1, acquireTimeout: 30 })
    const slow = outcome(client.insertManyRecords([{ entity_id: 'slow-row', time: '2024-03-01T00:00:01Z', value: 1 }]))
    await sleep(50)
    const waiting = outcome(client.getLatestValues(['anything']))
    await sleep(20)
    const closing = client.close({ timeout: 5 })
    const result = await bounded(waiting, 1000, 'the waiting call after close()')
    expect((result as { error: TimescaleClientError }).error.code).toBe(ErrorCodes.CLIENT_CLOSED)
    await bounded(closing, 10_000, 'close()')
    await slow
  }, 30_000)
})
