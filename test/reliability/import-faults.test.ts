/*
 * `drizzle-timescale import` of 300,000 rows under faults, on the suite's own server (it is
 * restarted): the import's backends are terminated three times and the server restarted once while
 * it runs. The CLI retries each failed batch through the client (backoff), exits 0, and the table
 * holds exactly the file's rows (count and md5 over every row). A batch that fails for good (here a
 * trigger that refuses one entity) ends the import with the line it stopped at and the word that a
 * re-run is safe.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { cliEnv, MAIN, REPO } from '../cli/cli-harness.ts'
import { type FaultServer, faultServerUnavailable, startFaultServer } from './fault-server.ts'
import { bounded, csvOf, makeRecords, type PlainRecord, report, sleep, tally, terminate, withParams } from './support.ts'

const unavailable = faultServerUnavailable()
if (unavailable) console.log(`[reliability] import faults skipped: ${unavailable}`)

const ROWS = 300_000
const APP = 'dts-import'

describe.if(unavailable === undefined)('import under faults (own server instance)', () => {
  let server: FaultServer
  let admin: postgres.Sql
  const folder = mkdtempSync(join(tmpdir(), 'dts-import-faults-'))
  beforeAll(async () => {
    server = await startFaultServer()
    admin = postgres(server.url, { max: 1, onnotice: () => {}, connect_timeout: 10 })
  }, 660_000)
  afterAll(async () => {
    await admin?.end({ timeout: 1 })
    await server?.stop()
    rmSync(folder, { recursive: true, force: true })
  }, 130_000)

  const spawnImport = (file: string, batchSize: number) =>
    Bun.spawn(['bun', MAIN, 'import', file, '--batch-size', String(batchSize)], {
      cwd: REPO,
      env: cliEnv({ DATABASE_URL: withParams(server.url, { application_name: APP }) }),
      stdout: 'pipe',
      stderr: 'pipe',
      stdin: 'ignore',
    })
  const rowsOf = async (prefix: string) => {
    const [row] = await admin`select count(*)::int as n from time_series_data where starts_with(entity_id, ${prefix})`
    return Number(row?.n)
  }

  test('three terminated backends and a server restart during 300,000 rows: exit 0, exactly the file', async () => {
    const records = makeRecords('imf-', ROWS, { entities: 100 })
    const file = join(folder, 'faults.csv')
    writeFileSync(file, csvOf(records))
    const child = spawnImport(file, 2000)
    const output = Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
    const faults: string[] = []
    const started = performance.now()
    // Each fault strikes once the import has gone past its mark; the server answers again between them.
    for (const [mark, fault] of [
      [30_000, 'terminate'],
      [80_000, 'terminate'],
      [130_000, 'terminate'],
      [180_000, 'restart'],
    ] as const) {
      for (;;) {
        const n = await rowsOf('imf-').catch(() => -1)
        if (n >= mark) break
        if (child.exitCode !== null) throw new Error(`the import ended (exit ${child.exitCode}) before the ${fault} at ${mark} rows`)
        if (performance.now() - started > 240_000) throw new Error(`the import did not reach ${mark} rows in 240 s`)
        await sleep(25)
      }
      if (fault === 'terminate') {
        const killed = await terminate(admin, APP)
        faults.push(`terminate (${killed} backends) at ${mark}`)
      } else {
        await bounded(server.restart('fast'), 90_000, 'the restart')
        faults.push(`restart at ${mark}`)
      }
    }
    const [stdout, stderr, code] = await bounded(output, 240_000, 'the import')
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' })
    expect(stdout).toContain(`${ROWS.toLocaleString('en-US')} rows read, ${ROWS.toLocaleString('en-US')} written, 0 rejected`)
    const checker = postgres(server.url, { max: 1, onnotice: () => {} })
    try {
      const found = await tally(drizzle(checker), 'imf-', records)
      expect(found).toMatchObject({ sent: ROWS, found: ROWS, duplicates: 0, lost: 0 })
      expect(found.digest.md5).toBe(found.expected.md5)
      report({
        fault: 'drizzle-timescale import of 300,000 rows: backends terminated 3 times, the server restarted once',
        runs: 1,
        ...found,
        note: `${faults.join(', ')}; exit 0 in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      })
    } finally {
      await checker.end({ timeout: 1 })
    }
  }, 400_000)

  test('a batch that fails for good: the line it stopped at, and that a re-run is safe', async () => {
    await admin.unsafe(`
      create function dts_refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.entity_id = 'imp-poison' then raise exception 'imp-poison is refused'; end if;
        return new;
      end $$;
      create trigger dts_refuse_poison before insert on time_series_data for each row execute function dts_refuse_poison();`)
    try {
      const records = makeRecords('imp-', 5000, { entities: 10 })
      // Line 1 is the header: record i is on line i + 2; the poison sits in the third batch of 1,000.
      records[2500] = { ...(records[2500] as PlainRecord), entity_id: 'imp-poison' }
      const file = join(folder, 'poison.csv')
      writeFileSync(file, csvOf(records))
      const child = spawnImport(file, 1000)
      const [, stderr, code] = await bounded(
        Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]),
        60_000,
        'the import',
      )
      expect(code).toBe(1)
      expect(stderr).toContain('imp-poison is refused')
      expect(stderr).toContain('The import stopped at the batch starting at line 2002: every row before it is written')
      expect(stderr).toContain('running the same import again is safe')
      expect(await rowsOf('imp-')).toBe(2000)
    } finally {
      await admin.unsafe('drop trigger dts_refuse_poison on time_series_data; drop function dts_refuse_poison()')
    }
  }, 120_000)
})
