/*
 * `import --table`: a CSV and an NDJSON file into a project's own declared hypertable, through the
 * engine, on every target. The file is in its own shape (a `date` column mapped to `time`), has a
 * bad row and an empty optional field; the table's rows are compared with sums computed here from
 * the file, a second import changes nothing, and the command's errors name what is wrong.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import type { Hypertable } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { type CliTarget, openCliTarget, REPO, runCli, targets } from './cli-harness.ts'

const SCHEMA = `
import { bigint, boolean, doublePrecision, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { hypertable } from '${REPO}/src/toolkit/index.ts'

export const stockPrices = pgTable('import_prices', {
  symbol: text('symbol').notNull(),
  time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
  price: doublePrecision('price').notNull(),
  volume: bigint('volume', { mode: 'number' }),
  halted: boolean('halted'),
  tags: jsonb('tags'),
}, (t) => [primaryKey({ columns: [t.symbol, t.time] })])
export const stockPricesHypertable = hypertable(stockPrices, { time: 'time', chunkInterval: '30 days' })
`

const folder = mkdtempSync(join(tmpdir(), 'dts-import-table-'))
const schemaFile = join(folder, 'schema.ts')
writeFileSync(schemaFile, SCHEMA)
// The scratch project resolves drizzle-orm from the repository's node_modules (the same module).
symlinkSync(join(REPO, 'node_modules'), join(folder, 'node_modules'))
const { stockPricesHypertable } = (await import(schemaFile)) as { stockPricesHypertable: Hypertable }

// 3 symbols x 40 trading days, one bad price, one empty volume.
const lines = ['symbol,date,price,volume,halted']
let total = 0
let rows = 0
for (const symbol of ['AAA', 'BBB', 'CCC']) {
  for (let d = 0; d < 40; d++) {
    const date = new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10)
    const price = 100 + d + symbol.charCodeAt(0) / 8
    if (symbol === 'BBB' && d === 7) {
      lines.push(`${symbol},${date},not-a-price,1,false`)
      continue
    }
    lines.push(`${symbol},${date},${price},${d === 3 ? '' : d * 1000},${d % 10 === 0}`)
    total += price
    rows++
  }
}
const csv = join(folder, 'prices.csv')
writeFileSync(csv, `${lines.join('\n')}\n`)
const ndjson = join(folder, 'more.ndjson')
writeFileSync(
  ndjson,
  `${[
    { symbol: 'DDD', date: '2025-03-01', price: 5.5, volume: 9007199254740991, halted: true, tags: { sector: 'x' } },
    { symbol: 'DDD', date: '2025-03-02', price: 6.5, volume: null, halted: null, tags: ['a', 'b'] },
  ]
    .map((o) => JSON.stringify(o))
    .join('\n')}\n`,
)

afterAll(() => rmSync(folder, { recursive: true, force: true }))

for (const target of targets) {
  describe(`import --table on ${target.name}`, () => {
    let cli: CliTarget
    beforeAll(async () => {
      cli = await openCliTarget(target, { migrated: true })
      await cli.withDb(async (db) => {
        await db.execute(sql`create extension if not exists timescaledb`)
        await db.execute(sql`create table import_prices (symbol text not null, time timestamptz not null, price double precision not null,
          volume bigint, halted boolean, tags jsonb, primary key (symbol, time))`)
        await applyDeclarations(db, [stockPricesHypertable])
      })
    }, 120_000)
    afterAll(() => cli.close())

    const sums = () =>
      cli.withDb(
        async (db) =>
          (
            await queryRows<{ n: number; total: number; volumes: number; halted: number }>(
              db,
              sql`select count(*)::int as n, sum(price)::float8 as total, count(volume)::int as volumes, count(*) filter (where halted)::int as halted
                from import_prices where symbol <> 'DDD'`,
            )
          )[0],
      )

    test('a CSV in its own shape: mapped, typed, the bad row rejected with its line, the rest written; again: the same', async () => {
      const args = [
        'import',
        csv,
        '--table',
        'import_prices',
        '--schema',
        schemaFile,
        '--map',
        'time=date',
        '--time-zone',
        'UTC',
        ...cli.args,
      ]
      const first = await runCli(args, cli.env)
      expect(first.code, first.stderr).toBe(3)
      expect(first.stdout).toContain(`into public.import_prices on the`)
      expect(first.stdout).toContain(`${rows} written, 1 rejected`)
      expect(first.stderr).toContain('price')
      const expected = { n: rows, total, volumes: rows - 3, halted: 3 * 4 }
      const after = await sums()
      expect(after?.n).toBe(expected.n)
      expect(after?.total).toBeCloseTo(expected.total, 6)
      expect([after?.volumes, after?.halted]).toEqual([expected.volumes, expected.halted])
      const again = await runCli(args, cli.env)
      expect(again.code).toBe(3)
      expect(await sums()).toEqual(after)
    }, 120_000)

    test('query --table: buckets of the imported rows, as JSON and as a table, equal to the file', async () => {
      const args = [
        'query',
        '--table',
        'import_prices',
        '--schema',
        schemaFile,
        '--where',
        'symbol=AAA',
        '--column',
        'price',
        '--function',
        'max',
      ]
      const range = ['--interval', '1 month', '--from', '2025-01-01T00:00:00Z', '--to', '2025-02-10T00:00:00Z']
      const run = await runCli([...args, ...range, '--json', ...cli.args], cli.env)
      expect(run.code, run.stderr).toBe(0)
      const result = JSON.parse(run.stdout) as { buckets: { bucket: string; value: number; count: number }[] }
      const aaa = lines.slice(1).filter((l) => l.startsWith('AAA,'))
      const expected = ['2025-01', '2025-02'].map((month) => {
        const inBucket = aaa.filter((l) => l.split(',')[1]?.startsWith(month)).map((l) => Number(l.split(',')[2]))
        return { value: Math.max(...inBucket), count: inBucket.length }
      })
      expect(result.buckets.map((b) => ({ value: b.value, count: b.count }))).toEqual(expected)
      const table = await runCli([...args, ...range, ...cli.args], cli.env)
      expect(table.code, table.stderr).toBe(0)
      expect(table.stdout).toContain('public.import_prices (symbol=AAA): max(price) per 1 mon')
      const bad = await runCli(['query', '--table', 'import_prices', '--schema', schemaFile, '--column', 'colour', ...cli.args], cli.env)
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('--column must be a column of public.import_prices')
    }, 120_000)

    test('NDJSON: typed values (bigint, boolean, JSON), nulls', async () => {
      const run = await runCli(
        [
          'import',
          ndjson,
          '--table',
          'public.import_prices',
          '--schema',
          schemaFile,
          '--map',
          'time=date',
          '--time-zone',
          'UTC',
          ...cli.args,
        ],
        cli.env,
      )
      expect(run.code, run.stderr).toBe(0)
      const got = await cli.withDb((db) =>
        queryRows<{ time: string; volume: string | null; halted: boolean | null; tags: string }>(
          db,
          sql`select to_char(time at time zone 'UTC', 'YYYY-MM-DD') as time, volume::text as volume, halted, tags::text as tags
            from import_prices where symbol = 'DDD' order by time`,
        ),
      )
      expect(got).toEqual([
        { time: '2025-03-01', volume: '9007199254740991', halted: true, tags: '{"sector": "x"}' },
        { time: '2025-03-02', volume: null, halted: null, tags: '["a", "b"]' },
      ])
    }, 120_000)

    test('errors name what is wrong: an undeclared table, an unknown file column, --entity with --table', async () => {
      const unknown = await runCli(['import', csv, '--table', 'nope', '--schema', schemaFile, ...cli.args], cli.env)
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain("no hypertable 'nope' is declared")
      expect(unknown.stderr).toContain('public.import_prices')
      const unmapped = await runCli(['import', csv, '--table', 'import_prices', '--schema', schemaFile, ...cli.args], cli.env)
      expect(unmapped.code).toBe(1)
      expect(unmapped.stderr).toContain("the file's column 'date' is not a column of public.import_prices")
      const entity = await runCli(
        ['import', csv, '--table', 'import_prices', '--schema', schemaFile, '--entity', 'x', ...cli.args],
        cli.env,
      )
      expect(entity.code).toBe(2)
      expect(entity.stderr).toContain('--entity is for time_series_data')
    }, 120_000)
  })
}
