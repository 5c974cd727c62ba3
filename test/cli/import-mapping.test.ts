/*
 * `import` for files people have: column mapping, a constant entity, metadata from other columns,
 * times without an offset in a zone (DST days included), epoch times. The public data set is
 * vega-datasets' weather.csv (Seattle and New York, daily, 2012-2015), as a user has it; every
 * number stored is compared with one computed here from the file, and every time with
 * PostgreSQL's own `timestamp AT TIME ZONE` (an independent time zone engine).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { convertTime, instantOfWallClock, parseImportMapping } from '../../src/cli/import/import-mapping.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { heavyOn } from '../support/heavy.ts'
import { firstNative, targets } from '../support/targets.ts'
import { type CliTarget, openCliTarget, REPO, runCli } from './cli-harness.ts'

const WEATHER = join(REPO, 'node_modules/vega-datasets/data/weather.csv')
const zoned = (zone: string, text: string) => convertTime({ columns: {}, timeFormat: 'iso', timeZone: zone }, text)

describe('the mapping options', () => {
  test('wall-clock times in a zone, across both DST changes, as PostgreSQL reads them', () => {
    expect(zoned('America/Los_Angeles', '2012-03-10')).toBe('2012-03-10T08:00:00.000000Z')
    expect(zoned('America/Los_Angeles', '2012-03-12')).toBe('2012-03-12T07:00:00.000000Z')
    expect(zoned('America/Los_Angeles', '2012-03-11 02:30')).toBe('2012-03-11T10:30:00.000000Z') // in the gap
    expect(zoned('America/Los_Angeles', '2012-11-04 01:30')).toBe('2012-11-04T09:30:00.000000Z') // twice that night
    expect(zoned('Europe/Berlin', '2024-03-31 02:30')).toBe('2024-03-31T01:30:00.000000Z')
    expect(zoned('Europe/Berlin', '2024-10-27T02:30:00.123456')).toBe('2024-10-27T01:30:00.123456Z')
    expect(zoned('Europe/Berlin', '2024-01-15T10:00:00+05:00')).toBe('2024-01-15T10:00:00+05:00') // has an offset: as it is
    expect(instantOfWallClock('UTC', Date.UTC(2024, 0, 1))).toBe(Date.UTC(2024, 0, 1))
  })

  test('epoch seconds and milliseconds', () => {
    expect(convertTime({ columns: {}, timeFormat: 'epoch-s' }, '1700000000.5')).toBe('2023-11-14T22:13:20.500000Z')
    expect(convertTime({ columns: {}, timeFormat: 'epoch-ms' }, '1700000000123')).toBe('2023-11-14T22:13:20.123000Z')
    expect(convertTime({ columns: {}, timeFormat: 'epoch-s' }, 'soon')).toEqual({ error: "time 'soon' is not a number of seconds" })
  })

  test('bad options are refused with what to write', () => {
    expect(parseImportMapping({})).toBeUndefined()
    expect(() => parseImportMapping({ map: 'temperature=temp_max' })).toThrow("--map: 'temperature' is not a record column")
    expect(() => parseImportMapping({ map: 'value=a,value=b' })).toThrow('--map: value is mapped twice')
    expect(() => parseImportMapping({ map: 'time' })).toThrow("'time' is not <record column>=<file column>")
    expect(() => parseImportMapping({ map: 'entity_id=a', entity: 'x' })).toThrow('name the entity twice')
    expect(() => parseImportMapping({ timeZone: 'Mars/Olympus' })).toThrow('--time-zone')
    expect(() => parseImportMapping({ timeFormat: 'unix' })).toThrow('--time-format must be one of iso, epoch-s, epoch-ms')
  })
})

// The real file on one server (4 years of daily rows are ~1,460 chunks of a day: slow on the embedded database).
const weatherTarget = firstNative ?? targets[0]
// Heavy on the embedded database (bun run test:heavy): the small mapped file below runs on every target.
if (weatherTarget && heavyOn(weatherTarget)) {
  describe(`weather.csv imported with one --map line on ${weatherTarget.name}`, () => {
    let cli: CliTarget
    beforeAll(async () => {
      cli = await openCliTarget(weatherTarget, { migrated: true })
    })
    afterAll(() => cli.close())

    test('every row, every number as in the file, every time as PostgreSQL puts the local midnight', async () => {
      const run = await runCli(
        [
          'import',
          WEATHER,
          '--map',
          'entity_id=location,time=date,value=temp_max,value2=temp_min,value3=precipitation,value4=wind',
          '--metadata',
          'weather,date',
          '--time-zone',
          'America/Los_Angeles',
          ...cli.args,
        ],
        cli.env,
      )
      expect(run.stderr).not.toContain('rejected')
      expect(run.code).toBe(0)
      const lines = readFileSync(WEATHER, 'utf8').trim().split('\n').slice(1)
      const want = new Map<string, { n: number; max: number; min: number; rain: number; wind: number; sun: number }>()
      for (const line of lines) {
        const [location, , precipitation, max, min, wind, weather] = line.split(',') as string[]
        const w = want.get(location as string) ?? { n: 0, max: 0, min: 0, rain: 0, wind: 0, sun: 0 }
        w.n++
        w.max += Number(max)
        w.min += Number(min)
        w.rain += Number(precipitation)
        w.wind += Number(wind)
        w.sun += weather === 'sun' ? 1 : 0
        want.set(location as string, w)
      }
      await cli.withDb(async (db) => {
        const got = await queryRows<{
          entity_id: string
          n: number
          max: number
          min: number
          rain: number
          wind: number
          sun: number
          off: number
        }>(
          db,
          sql`select entity_id, count(*)::int as n, sum(value)::float8 as max, sum(value2)::float8 as min, sum(value3)::float8 as rain,
                sum(value4)::float8 as wind, count(*) filter (where metadata->>'weather' = 'sun')::int as sun,
                count(*) filter (where time <> ((metadata->>'date')::timestamp at time zone 'America/Los_Angeles'))::int as off
              from time_series_data group by entity_id order by entity_id`,
        )
        expect(got.map((g) => g.entity_id)).toEqual([...want.keys()].sort())
        for (const g of got) {
          const w = want.get(g.entity_id)
          expect(g.n).toBe(w?.n as number)
          expect(g.max).toBeCloseTo(w?.max as number, 6)
          expect(g.min).toBeCloseTo(w?.min as number, 6)
          expect(g.rain).toBeCloseTo(w?.rain as number, 6)
          expect(g.wind).toBeCloseTo(w?.wind as number, 6)
          expect(g.sun).toBe(w?.sun as number)
          expect(g.off).toBe(0) // DST days included: 2012-03-11 is 08:00Z, 2012-03-12 07:00Z
        }
        const [dst] = await queryRows<{ t: string }>(
          db,
          sql`select to_json(time at time zone 'UTC')::text as t from time_series_data where entity_id = 'Seattle' and metadata->>'date' = '2012-03-12'`,
        )
        expect(dst?.t).toBe('"2012-03-12T07:00:00"')
      })
    })
  })
}

describe('a small mapped file on every target: a constant entity, epoch milliseconds, every other column as metadata', () => {
  for (const target of targets) {
    test(target.name, async () => {
      const cli = await openCliTarget(target, { migrated: true })
      try {
        const file = join(cli.dataDir ? join(cli.dataDir, '..') : REPO, `meter-${process.pid}-${target.kind}.csv`)
        writeFileSync(file, 'ts,kwh,phase,site\n1704067200000,1.5,a,north\n1704067260000,2.25,b,north\nnot-a-time,3,c,north\n')
        try {
          const run = await runCli(
            [
              'import',
              file,
              '--entity',
              'meter-1',
              '--map',
              'time=ts,value=kwh',
              '--metadata',
              '*',
              '--time-format',
              'epoch-ms',
              ...cli.args,
            ],
            cli.env,
          )
          expect(run.code).toBe(3)
          expect(run.stderr).toContain("line 4: time 'not-a-time' is not a number of milliseconds")
          await cli.withDb(async (db) => {
            const rows = await queryRows<{ entity_id: string; t: string; value: number; metadata: string }>(
              db,
              sql`select entity_id, to_json(time at time zone 'UTC')::text as t, value, metadata::text from time_series_data order by time`,
            )
            expect(rows.map((r) => [r.entity_id, r.t, r.value, JSON.parse(r.metadata)])).toEqual([
              ['meter-1', '"2024-01-01T00:00:00"', 1.5, { phase: 'a', site: 'north' }],
              ['meter-1', '"2024-01-01T00:01:00"', 2.25, { phase: 'b', site: 'north' }],
            ])
          })
        } finally {
          if (!cli.dataDir) (await import('node:fs')).rmSync(file, { force: true })
        }
      } finally {
        await cli.close()
      }
    })
  }
})
