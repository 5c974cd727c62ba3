/*
 * `drizzle-kit push` and `pull`, run as a user runs them (the CLI, with the filters of the repo's
 * drizzle.config.ts), against a migrated TimescaleDB holding chunks: push must propose nothing on
 * TimescaleDB's objects (chunks, internal schemas, the continuous aggregate), pull must emit only
 * our two tables. On the embedded database (served over the wire by serve's EmbeddedServer: the Timescale
 * license, with compressed chunks and a refreshed hourly_metrics) and on the native server when
 * TIMESCALEDB_URL is set.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { EmbeddedServer } from '../src/cli/serve/embedded-server.ts'
import { createEmbeddedDatabase } from '../src/embedded/index.ts'
import { queryRows } from '../src/internal/query-rows.ts'
import { type TestDatabase, targets } from './support/targets.ts'

const root = join(import.meta.dir, '..')
const TIMEOUT = 120_000

// One row an hour over ten days: chunks on 11 days, in up to 4 hash partitions.
const SEED = [
  `insert into entities (entity_id, entity_type) values ('e1', 'sensor'), ('e2', 'sensor')`,
  `insert into time_series_data (time, entity_id, value, metadata)
     select t, 'e' || (1 + extract(epoch from t)::bigint / 3600 % 2), random(), '{"a": 1}'
     from generate_series(now() - interval '10 days', now(), interval '1 hour') t`,
]

// drizzle-kit 0.31 reads a composite primary key's columns in table order, not key order
// (https://github.com/drizzle-team/drizzle-orm/issues/6078): time_series_data declares entity_id
// before time so that push does not re-create the key every time. This test pins that down too.

interface Served {
  url: string
  close(): Promise<void>
}

interface KitRun {
  exitCode: number
  output: string
}

/**
 * Runs the drizzle-kit CLI with the repo's drizzle.config.ts (its filters), `out` in `scratch` and
 * `strict` off: with no TTY, push then applies what it proposes to this scratch database unless
 * it loses data, where it asks and fails; either way it prints the statements first (verbose).
 */
async function drizzleKit(command: 'push' | 'pull', url: string, scratch: string): Promise<KitRun> {
  const config = join(scratch, `${command}.config.ts`)
  writeFileSync(
    config,
    `import base from ${JSON.stringify(join(root, 'drizzle.config.ts'))}\n` +
      `export default { ...base, strict: false, verbose: true, out: ${JSON.stringify(join(scratch, 'out'))} }\n`,
  )
  const child = Bun.spawn([join(root, 'node_modules/.bin/drizzle-kit'), command, '--config', config], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colours
  return { exitCode, output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') }
}

/** The statements push printed (verbose) before applying them; [] when it found no changes. */
function pushStatements(output: string): string[] {
  const lines = output.split('\n')
  const start = lines.findIndex((line) => line.includes('You are about to execute current statements:'))
  if (start < 0) return []
  const block: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') {
      if (block.length > 0) break
      continue
    }
    block.push(line.trim())
  }
  return block.filter((line) => line !== '--> statement-breakpoint')
}

function describeKit(name: string, serve: () => Promise<Served>) {
  describe(`drizzle-kit with the repo's filters on ${name}`, () => {
    let served: Served
    let scratch: string
    beforeAll(async () => {
      served = await serve()
      scratch = mkdtempSync(join(tmpdir(), 'dts-kit-'))
    }, TIMEOUT)
    afterAll(async () => {
      await served?.close()
      if (scratch) rmSync(scratch, { recursive: true, force: true })
    })

    test(
      'pull emits our two tables and nothing of TimescaleDB',
      async () => {
        const run = await drizzleKit('pull', served.url, scratch)
        expect(run.exitCode, run.output).toBe(0)
        const schema = readFileSync(join(scratch, 'out', 'schema.ts'), 'utf8')
        const exported = [...schema.matchAll(/^export const (\w+) = (\w+)\(/gm)].map((m) => `${m[1]} = ${m[2]}`)
        expect(exported).toEqual(['entities = pgTable', 'timeSeriesData = pgTable'])
        expect(schema).not.toMatch(/_timescaledb|_hyper_|hourly_metrics|pgView|pgSchema/)
        const sqlFile = readdirSync(join(scratch, 'out')).find((f) => f.endsWith('.sql'))
        const created = readFileSync(join(scratch, 'out', String(sqlFile)), 'utf8').matchAll(
          /CREATE (?:TABLE|VIEW|MATERIALIZED VIEW|SCHEMA) ("[^"]+"(?:\."[^"]+")?)/g,
        )
        expect([...created].map((m) => m[1])).toEqual(['"entities"', '"time_series_data"'])
      },
      TIMEOUT,
    )

    test(
      'push proposes nothing at all: no chunks, internal schemas, aggregate or primary-key churn',
      async () => {
        const run = await drizzleKit('push', served.url, scratch)
        expect(pushStatements(run.output), run.output).toEqual([])
        expect(run.output).toContain('No changes detected')
        expect(run.exitCode, run.output).toBe(0)
      },
      TIMEOUT,
    )
  })
}

describeKit('the embedded TimescaleDB (Timescale license, via the wire server of serve)', async () => {
  const tsdb = await createEmbeddedDatabase()
  const pg = tsdb.pglite
  for (const statement of SEED) await pg.exec(statement)
  const old = await pg.query<{ c: string }>(`select show_chunks('time_series_data', older_than => interval '8 days')::text as c`)
  for (const { c } of old.rows) await pg.query('select compress_chunk($1::regclass)', [c])
  await pg.exec(`call refresh_continuous_aggregate('hourly_metrics', null, now() - interval '1 hour')`)
  const [state] = (
    await pg.query<{ chunks: number; compressed: number; hours: number }>(
      `select (select count(*)::int from show_chunks('time_series_data')) as chunks,
                (select count(*)::int from timescaledb_information.chunks where hypertable_name = 'time_series_data' and is_compressed) as compressed,
                (select count(*)::int from hourly_metrics) as hours`,
    )
  ).rows
  expect(state?.chunks).toBeGreaterThanOrEqual(11)
  expect(state?.compressed).toBeGreaterThan(0)
  expect(state?.hours).toBeGreaterThan(0)
  // pglite answers with DEBUG notices by default: keep drizzle-kit's output readable.
  await pg.exec('set client_min_messages = warning')
  const server = new EmbeddedServer({ pglite: pg, host: '127.0.0.1', port: 0, log: () => {}, onAbort: () => {} })
  const port = await server.start()
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async close() {
      await server.stop()
      await tsdb.close()
    },
  }
})

const native = targets.find((t) => t.kind === 'native')
if (native) {
  describeKit(`the native server (${native.license} license)`, async () => {
    const t: TestDatabase = await native.open()
    for (const statement of SEED) await t.db.execute(sql.raw(statement))
    const [state] = await queryRows<{ chunks: number }>(t.db, sql`select count(*)::int as chunks from show_chunks('time_series_data')`)
    expect(state?.chunks).toBeGreaterThanOrEqual(11)
    return { url: String(t.url), close: t.close }
  })
} else {
  test.skip('drizzle-kit with the repo filters on the native server (set TIMESCALEDB_URL)', () => {})
}
