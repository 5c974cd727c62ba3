/*
 * The CLI's import and the API's insertManyRecords are one write behaviour: the same rows, written
 * by each into a database of its own, end in the same table, over a span of many chunks (several
 * transactions), conflicts with stored keys and with keys of the same file, and (with the Timescale
 * license) keys in compressed chunks.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { ClientFactory, type TimescaleClient } from '../../src/client/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { setJobsScheduled } from '../../src/jobs/set-jobs-scheduled.ts'
import { csvOf, digestOf, makeRecords, type PlainRecord, tableDigest } from '../reliability/support.ts'
import { heavyOn } from '../support/heavy.ts'
import { hasTsl, type TestDatabase } from '../support/targets.ts'
import { type CliTarget, openCliTarget, runCli, targets } from './cli-harness.ts'

setDefaultTimeout(120_000)

const DAY = 86_400_000
// Inside the package's 1-year retention horizon: the CLI's database is migrated by the CLI, and a
// full-license server's scheduler may run its policies before the test pauses them.
const START = Math.floor((Date.now() - 300 * DAY) / DAY) * DAY

/**
 * Daily rows of 10 entities over 60 days (about 240 chunks) and per-minute rows of 20 entities over a
 * day; `small` (the embedded database without the heavy sizes): 20 days (about 80 chunks, still
 * several transactions) and 6 hours.
 */
function base(salt: number, small: boolean): PlainRecord[] {
  const daily = makeRecords('ow-d', small ? 200 : 600, { entities: 10, salt }).map((r, i) => ({
    ...r,
    time: `${new Date(START + Math.floor(i / 10) * DAY).toISOString().slice(0, 19)}.000000Z`,
  }))
  const minutes = makeRecords('ow-m', small ? 7_200 : 28_800, { entities: 20, salt, start: new Date(START + 30 * DAY).toISOString() }).map(
    (r, i) => ({
      ...r,
      time: `${new Date(START + 30 * DAY + Math.floor(i / 20) * 60_000).toISOString().slice(0, 19)}.000000Z`,
    }),
  )
  return [...daily, ...minutes]
}

for (const target of targets) {
  describe(`the CLI import and the API write the same on ${target.name}`, () => {
    let cli: CliTarget
    let api: TestDatabase
    let client: TimescaleClient<AnyPgDatabase>
    const folder = mkdtempSync(join(tmpdir(), 'dts-one-path-'))
    const first = base(0, !heavyOn(target))
    // Every third stored key with new values, new keys between them, and a key given twice (the last wins).
    const second = [
      ...first.filter((_, i) => i % 3 === 0).map((r) => ({ ...r, value: r.value + 0.5, metadata: { n: -1 } })),
      ...first.filter((_, i) => i % 7 === 0).map((r) => ({ ...r, time: r.time.replace('.000000Z', '.500000Z'), value: -r.value })),
      { ...(first[5] as PlainRecord), value: 1 },
      { ...(first[5] as PlainRecord), value: 2 },
    ]
    beforeAll(async () => {
      cli = await openCliTarget(target, { migrated: true })
      await cli.withDb((db) => setJobsScheduled(db, false))
      api = await target.open()
      client = (await ClientFactory.fromDrizzle(api.db)) as unknown as TimescaleClient<AnyPgDatabase>
    }, 120_000)
    afterAll(async () => {
      await client?.close()
      await api?.close()
      await cli?.close()
      rmSync(folder, { recursive: true, force: true })
    }, 60_000)

    const importFile = async (name: string, records: readonly PlainRecord[]) => {
      const file = join(folder, name)
      writeFileSync(file, csvOf(records))
      const run = await runCli(['import', file, ...cli.args], cli.env)
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' })
    }
    const same = async (expected: readonly PlainRecord[]) => {
      const viaCli = await cli.withDb((db) => tableDigest(db, 'ow-'))
      const viaApi = await tableDigest(api.db, 'ow-')
      expect(viaCli).toEqual(viaApi)
      expect(viaApi).toEqual(digestOf(expected))
    }

    test(`a span of about ${heavyOn(target) ? 240 : 80} chunks, new keys`, async () => {
      await importFile('first.csv', first)
      const result = await client.insertManyRecords(first)
      expect(result.transactions).toBeGreaterThan(1)
      await same(first)
    })

    test.if(hasTsl(target))('the chunks compressed on both', async () => {
      const compress = (db: AnyPgDatabase) =>
        db.execute(sql`select compress_chunk(c, if_not_compressed => true) from show_chunks('time_series_data') c`)
      await cli.withDb(compress)
      await compress(api.db)
      await same(first)
    })

    test('updates of stored keys (compressed ones with the license), new keys among them, a key twice', async () => {
      await importFile('second.csv', second)
      await client.insertManyRecords(second)
      await same([...first, ...second])
    })
  })
}
