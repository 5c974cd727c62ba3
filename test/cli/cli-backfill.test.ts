/*
 * The backfill that failed before (8 years of daily weather, 2,922 rows, one 1-day chunk each:
 * `insertManyRecords failed: out of shared memory`, nothing written), as a new user runs it: keep
 * the history with `policies --retention none`, then `import` with the default options.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import { heavyOnce } from '../support/heavy.ts'
import { hasTsl } from '../support/targets.ts'
import { type CliTarget, openCliTarget, runCli, targets } from './cli-harness.ts'

setDefaultTimeout(180_000)

const DAY = 86_400_000
const START = Date.parse('2012-01-01T00:00:00Z')
const DAYS = Math.round((Date.parse('2020-01-01T00:00:00Z') - START) / DAY)

/** Daily weather of one place: temp_max, temp_min, precipitation, wind, as the record's four values. */
function weatherCsv(): string {
  const lines = ['entity_id,time,value,value2,value3,value4']
  for (let d = 0; d < DAYS; d++) {
    const season = Math.sin((2 * Math.PI * d) / 365.25)
    const max = Math.round((15 + 10 * season + (d % 7) / 2) * 10) / 10
    lines.push(
      `seattle,${new Date(START + d * DAY).toISOString()},${max},${Math.round((max - 8) * 10) / 10},${((d * 37) % 50) / 10},${(d % 9) / 2}`,
    )
  }
  return `${lines.join('\n')}\n`
}

for (const target of targets) {
  // Once a run, on the full-license server when there is one (heavyOnce): the engine's bounded transactions are proven on every target by test/repository/hypertable-handle.test.ts.
  describe.if(heavyOnce(target, targets))(`an 8-year daily backfill by import on ${target.name}`, () => {
    let cli: CliTarget
    const folder = mkdtempSync(join(tmpdir(), 'dts-backfill-'))
    beforeAll(async () => {
      cli = await openCliTarget(target, { migrated: true })
    })
    afterAll(async () => {
      await cli?.close()
      rmSync(folder, { recursive: true, force: true })
    })

    test('default options: every row, no warning once retention is off', async () => {
      if (hasTsl(target)) expect((await runCli(['policies', '--retention', 'none', ...cli.args], cli.env)).code).toBe(0)
      const file = join(folder, 'weather.csv')
      writeFileSync(file, weatherCsv())
      const run = await runCli(['import', file, ...cli.args], cli.env)
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' })
      expect(run.stdout).toContain(`${DAYS.toLocaleString('en-US')} rows read, ${DAYS.toLocaleString('en-US')} written, 0 rejected`)
      expect(run.stderr).not.toContain('warning')
      // A year at a time: a read of all 2,922 chunks at once would lock every one of them while planned.
      const years = await cli.withDb(async (db) => {
        const out: { n: number; first: string; last: string }[] = []
        for (let y = 2012; y < 2020; y++) {
          const [row] = await queryRows<{ n: number; first: string; last: string }>(
            db,
            sql`select count(*)::int as n, min(time)::date::text as first, max(time)::date::text as last
                from time_series_data where entity_id = 'seattle' and time >= ${`${y}-01-01T00:00:00Z`}::timestamptz
                  and time < ${`${y + 1}-01-01T00:00:00Z`}::timestamptz`,
          )
          if (row) out.push(row)
        }
        return out
      })
      const stored = { n: years.reduce((n, y) => n + Number(y.n), 0), first: years[0]?.first, last: years.at(-1)?.last }
      expect(stored).toEqual({ n: DAYS, first: '2012-01-01', last: '2019-12-31' })
    })
  })
}
