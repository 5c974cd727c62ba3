/*
 * drizzle-kit in a project that uses the package, run as a user runs it, in a scratch project:
 * a schema module that re-exports `drizzle-timescale/schema` makes `generate` create the
 * package's tables again (tablesFilter does not apply to generate), and `drizzle-timescale
 * generate` says so; exporting `timescaleSchema` instead keeps them out. `push` with the
 * project's own schema and no tablesFilter drops the package's empty tables without a prompt;
 * with the documented filter it proposes nothing. (docs/drizzle-kit.md)
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { migrate } from '../../src/migrate.ts'
import { REPO, runCli } from '../cli/cli-harness.ts'
import { firstNative } from '../support/targets.ts'

const dir = mkdtempSync(join(REPO, '.scratch-kit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const SCHEMA = JSON.stringify(join(REPO, 'src/schema/index.ts'))
const DEVICES = `import { pgTable, text } from 'drizzle-orm/pg-core'\nexport const devices = pgTable('devices', { id: text('id').primaryKey() })\n`
writeFileSync(join(dir, 'reexport.ts'), `export * from ${SCHEMA}\n${DEVICES}`)
writeFileSync(join(dir, 'safe.ts'), `export { timescaleSchema } from ${SCHEMA}\n${DEVICES}`)
writeFileSync(join(dir, 'own.ts'), DEVICES)

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g')

async function kit(args: string[], env: Record<string, string> = {}) {
  const child = Bun.spawn(['bunx', 'drizzle-kit', ...args], {
    cwd: dir,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, NO_COLOR: '1', ...env },
  })
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, text: `${out}${err}`.replace(ANSI, '') }
}
const generatedSql = (out: string) =>
  readdirSync(join(dir, out))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => readFileSync(join(dir, out, f), 'utf8'))
    .join('\n')

describe('drizzle-kit generate in a consuming project', () => {
  test("a schema module re-exporting drizzle-timescale/schema: generate creates the package's tables; drizzle-timescale generate warns", async () => {
    expect((await kit(['generate', '--dialect', 'postgresql', '--schema', './reexport.ts', '--out', './reexport'])).code).toBe(0)
    const text = generatedSql('reexport')
    expect(text).toContain('CREATE TABLE "entities"')
    expect(text).toContain('CREATE TABLE "time_series_data"')
    const run = await runCli(['generate', '--schema', './reexport.ts', '--out', './reexport'], undefined, dir)
    expect(run.stderr).toContain("exports the package's tables entities, time_series_data")
    expect(run.stderr).toContain("the drizzle-kit migrations in ./reexport create the package's tables time_series_data, entities")
  })

  test('exporting timescaleSchema instead: only the project table', async () => {
    expect((await kit(['generate', '--dialect', 'postgresql', '--schema', './safe.ts', '--out', './safe'])).code).toBe(0)
    const text = generatedSql('safe')
    expect(text).toContain('CREATE TABLE "devices"')
    expect(text).not.toContain('entities')
    expect(text).not.toContain('time_series_data')
    const run = await runCli(['generate', '--schema', './safe.ts', '--out', './safe'], undefined, dir)
    expect(run.stderr).not.toContain('warning')
  })
})

if (firstNative) {
  const native = firstNative
  describe(`drizzle-kit push on ${native.name}, the package's tables empty`, () => {
    const config = (filter: boolean) =>
      `export default { dialect: 'postgresql', schema: './own.ts', dbCredentials: { url: process.env.DATABASE_URL ?? '' }, verbose: true${
        filter ? ", tablesFilter: ['!entities', '!time_series_data', '!hourly_metrics']" : ''
      } }\n`

    test('without a tablesFilter it drops them with no prompt; with the documented filter it proposes nothing', async () => {
      for (const filter of [true, false]) {
        const t = await native.open({ migrate: false })
        const client = postgres(t.url as string, { max: 1, onnotice: () => {} })
        try {
          await migrate(drizzle(client))
          await client.unsafe('create table devices (id text primary key)')
          writeFileSync(join(dir, 'drizzle.config.ts'), config(filter))
          const run = await kit(['push'], { DATABASE_URL: t.url as string })
          const [left] = await client`select to_regclass('entities')::text as entities, to_regclass('time_series_data')::text as data`
          if (filter) {
            expect(run.text).toContain('No changes detected')
            expect(left).toEqual({ entities: 'entities', data: 'time_series_data' })
          } else {
            expect(run.text).toContain('DROP TABLE "entities" CASCADE;')
            expect(run.text).toContain('DROP TABLE "time_series_data" CASCADE;')
            if (native.license === 'timescale') {
              // It tries DROP VIEW on the continuous aggregate first, which TimescaleDB refuses: nothing is dropped.
              expect(run.text).toContain('cannot drop continuous aggregate using DROP VIEW')
              expect(left).toEqual({ entities: 'entities', data: 'time_series_data' })
            } else expect(left).toEqual({ entities: null, data: null })
          }
        } finally {
          await client.end()
          await t.close()
        }
      }
    })
  })
}
