/*
 * Two roles on the TLS + SCRAM server, as a careful team runs production: a migrator that owns
 * the database and the package's objects and runs the migrations (the extension pre-created by a
 * superuser: TimescaleDB is not a trusted extension), and an application role with only what
 * `drizzle-timescale grants` gives it. The app runs the client, import, query and status, and is
 * refused DROP, TRUNCATE, DELETE and ALTER; TimescaleDB's jobs run as the migrator, on schedule.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createId } from '@paralleldrive/cuid2'
import postgres from 'postgres'
import type { PostgresTimescaleDatabase } from '../../src/client/connect-postgres.ts'
import { ClientFactory, type TimescaleClient } from '../../src/index.ts'
import { hourlyMetricsQuery } from '../../src/repository/hourly-metrics-route.ts'
import { validateInterval, validateRange, validateTimeBucketOptions } from '../../src/validation/index.ts'
import { cliEnv, REPO, runCli } from '../cli/cli-harness.ts'
import { pollUntilDefined } from '../support/poll-until-defined.ts'
import { type SecureServer, secureServerUnavailable, startSecureServer, uniquePassword } from './secure-server.ts'

const unavailable = secureServerUnavailable()

describe.skipIf(unavailable !== undefined)('least privilege: a migrator and an app role', () => {
  let s: SecureServer
  const id = createId().slice(0, 10)
  const migrator = `dts_migrator_${id}`
  const app = `dts_app_${id}`
  const database = `dts_lp_${id}`
  const migratorPassword = uniquePassword('migrator')
  const appPassword = uniquePassword('app')
  let tls: string
  let appClient: TimescaleClient<PostgresTimescaleDatabase>
  let migratorSql: postgres.Sql
  let appSql: postgres.Sql
  const folder = mkdtempSync(join(tmpdir(), 'dts-lp-'))
  // Yesterday (UTC): inside the 1-year retention and the 7-day compression horizon. The scheduler
  // runs on this server, and data from a fixed past year was dropped by the retention policy
  // between two tests (seen in CI).
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
  const records = Array.from({ length: 240 }, (_, i) => ({
    entity_id: `lp-${i % 4}`,
    time: new Date(Date.parse(`${day}T00:00:00Z`) + Math.floor(i / 4) * 360_000).toISOString(),
    value: i,
    metadata: { i },
  }))
  const asMigrator = () => cliEnv({ DATABASE_URL: s.url(migrator, migratorPassword, database, tls) })
  const asApp = () => cliEnv({ DATABASE_URL: s.url(app, appPassword, database, tls) })
  const noPasswords = (text: string) => {
    expect(text).not.toContain(migratorPassword)
    expect(text).not.toContain(appPassword)
  }

  beforeAll(async () => {
    s = await startSecureServer()
    tls = `sslmode=verify-full&sslrootcert=${encodeURIComponent(s.caFile)}`
    await s.admin.unsafe(`create role "${migrator}" login password '${migratorPassword}'`)
    await s.admin.unsafe(`create role "${app}" login password '${appPassword}'`)
    await s.admin.unsafe(`create database "${database}" owner "${migrator}"`)
    // TimescaleDB is not a trusted extension: a superuser creates it once; migrate then finds it.
    const inDb = postgres(s.url('postgres', 'postgres', database, 'sslmode=require'), { max: 1, onnotice: () => {} })
    await inDb`create extension timescaledb`
    await inDb.end()
    migratorSql = postgres(s.url(migrator, migratorPassword, database, 'sslmode=require'), { max: 1, onnotice: () => {} })
    appSql = postgres(s.url(app, appPassword, database, 'sslmode=require'), { max: 1, onnotice: () => {} })
  }, 60_000)
  afterAll(async () => {
    await appClient?.close()
    await appSql?.end({ timeout: 1 })
    await migratorSql?.end({ timeout: 1 })
    if (s) {
      await s.admin.unsafe(`drop database if exists "${database}" with (force)`)
      await s.admin.unsafe(`drop role if exists "${app}"`)
      await s.admin.unsafe(`drop role if exists "${migrator}"`)
      await s.admin.end({ timeout: 5 })
    }
    rmSync(folder, { recursive: true, force: true })
  })

  test('the migrator, not a superuser, runs drizzle-kit migrate over verify-full (the extension pre-created); the objects are its own', async () => {
    const [role] = await s.admin`select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = ${migrator}`
    expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false })
    const kit = Bun.spawn(['bunx', 'drizzle-kit', 'migrate'], { cwd: REPO, env: asMigrator(), stdout: 'pipe', stderr: 'pipe' })
    const [kitOut, kitErr, kitCode] = await Promise.all([new Response(kit.stdout).text(), new Response(kit.stderr).text(), kit.exited])
    expect({ kitCode, kitErr: kitCode === 0 ? '' : kitErr }).toEqual({ kitCode: 0, kitErr: '' })
    noPasswords(kitOut + kitErr)
    // The package's CLI finds them applied.
    const run = await runCli(['migrate'], asMigrator())
    expect(run.code).toBe(0)
    expect(run.stdout + run.stderr).toContain(
      `Package migrations on the server ${migrator}@localhost:${s.port}/${database}: already up to date`,
    )
    noPasswords(run.stdout + run.stderr)
    const owners = await migratorSql`select c.relname, pg_get_userbyid(c.relowner) as owner from pg_class c
      where c.relname in ('entities', 'time_series_data', 'hourly_metrics') order by 1`
    expect([...owners]).toEqual([
      { relname: 'entities', owner: migrator },
      { relname: 'hourly_metrics', owner: migrator },
      { relname: 'time_series_data', owner: migrator },
    ])
  }, 60_000)

  test('grants prints the statements; --apply gives the app role exactly them', async () => {
    const printed = await runCli(['grants', '--app-role', app], asMigrator())
    expect(printed.code).toBe(0)
    expect(printed.stdout.trim().split('\n')).toEqual([
      `GRANT CONNECT, TEMPORARY ON DATABASE "${database}" TO "${app}";`,
      `GRANT USAGE ON SCHEMA "public" TO "${app}";`,
      `GRANT SELECT, INSERT, UPDATE ON TABLE "public"."entities", "public"."time_series_data" TO "${app}";`,
      `GRANT SELECT ON TABLE "public"."hourly_metrics" TO "${app}";`,
    ])
    const applied = await runCli(['grants', '--app-role', app, '--apply'], asMigrator())
    expect(applied.code).toBe(0)
    const privileges = await migratorSql`select table_name, string_agg(privilege_type, ',' order by privilege_type) as p
      from information_schema.role_table_grants where grantee = ${app} and table_schema = 'public' group by 1 order by 1`
    expect([...privileges]).toEqual([
      { table_name: 'entities', p: 'INSERT,SELECT,UPDATE' },
      { table_name: 'hourly_metrics', p: 'SELECT' },
      { table_name: 'time_series_data', p: 'INSERT,SELECT,UPDATE' },
    ])
  }, 60_000)

  test('the app role runs the client: COPY of new keys, the staging upsert over existing ones, entities, reads', async () => {
    appClient = await ClientFactory.fromConnectionString(s.url(app, appPassword, database, tls))
    expect((await appClient.insertManyRecords(records)).written).toBe(records.length)
    // The same keys again: the plain COPY fails on a unique violation and the staging upsert
    // (a temporary table: the TEMPORARY grant) writes them.
    const again = await appClient.insertManyRecords(records.map((r) => ({ ...r, value: r.value + 0.5 })))
    expect(again.written).toBe(records.length)
    await appClient.insertRecord({ entity_id: 'lp-9', time: `${day}T12:00:00Z`, value: 9 })
    const entity = await appClient.upsertEntity({ entity_id: 'lp-0', entity_type: 'sensor', name: 'least privilege' })
    expect(entity.name).toBe('least privilege')
    const latest = await appClient.getLatestValues(['lp-0', 'lp-1'])
    expect(latest.map((r) => r.value)).toEqual([236.5, 237.5])
    const rows = await appClient.getRecords('lp-0', { from: `${day}T00:00:00Z`, to: `${day}T06:00:00Z` })
    expect(rows).toHaveLength(60)
  }, 60_000)

  test('the app reads hourly_metrics after the migrator refreshes it (TimescaleDB passed the grant on to the materialization)', async () => {
    await migratorSql`call refresh_continuous_aggregate('hourly_metrics', null, ${`${day}T06:00:00Z`}::timestamptz)`
    const range = { from: `${day}T00:00:00Z`, to: `${day}T06:00:00Z` }
    const request = {
      entityId: 'lp-0',
      width: validateInterval('1 hour'),
      range: validateRange(range),
      options: validateTimeBucketOptions({}),
    }
    expect(await hourlyMetricsQuery(appClient.db, request)).toBeDefined()
    const buckets = await appClient.getTimeBuckets('lp-0', '1 hour', range)
    expect(buckets.map((b) => b.count)).toEqual([10, 10, 10, 10, 10, 10])
  })

  test('the app role cannot drop, truncate, delete, alter or refresh', async () => {
    for (const statement of [
      'drop table time_series_data',
      'truncate time_series_data',
      'truncate entities',
      'delete from time_series_data',
      'alter table time_series_data add column x int',
      'drop materialized view hourly_metrics',
      "select remove_retention_policy('time_series_data')",
    ]) {
      const error = await appSql.unsafe(statement).then(
        () => undefined,
        (e: { code?: string }) => e,
      )
      expect({ statement, code: error?.code }).toEqual({ statement, code: '42501' })
    }
    const [count] = await migratorSql`select count(*)::int as n from time_series_data`
    expect(count?.n).toBe(records.length + 1)
  })

  test('import, query and status as the app role; status says which facts it cannot see', async () => {
    const file = join(folder, 'lp.csv')
    writeFileSync(
      file,
      `entity_id,time,value\n${Array.from({ length: 50 }, (_, i) => `lp-csv,${day}T0${Math.floor(i / 10)}:${String((i % 10) * 6).padStart(2, '0')}:00Z,${i}`).join('\n')}\n`,
    )
    const imported = await runCli(['import', file], asApp())
    expect(imported.code).toBe(0)
    const query = await runCli(['query', 'lp-csv', '--from', `${day}T00:00:00Z`, '--to', `${day}T06:00:00Z`], asApp())
    expect(query.code).toBe(0)
    expect(query.stdout).toContain('lp-csv')
    const status = await runCli(['status'], asApp())
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/public\.time_series_data +1 day +\d+/)
    expect(status.stdout).toContain(
      `Connected as ${app}, which owns neither the database nor any of the jobs: a failed job's error (timescaledb_information.job_errors) is shown only to the job's owner (${migrator}) and the database's owner`,
    )
    for (const run of [imported, query, status]) noPasswords(run.stdout + run.stderr)
  }, 60_000)

  test("TimescaleDB's jobs belong to the migrator and run on schedule as it", async () => {
    const owners = await migratorSql`select distinct owner::text from timescaledb_information.jobs where job_id >= 1000`
    expect([...owners]).toEqual([{ owner: migrator }])
    // One at a time: started together, TimescaleDB 2.29's retention and compression policies can
    // fail each other (a deadlock, or a chunk dropped under the compression), seen here.
    const jobs = await migratorSql`select job_id::int as id from timescaledb_information.jobs where job_id >= 1000 order by 1`
    const runsOf = async (id: number) => {
      const rows =
        await migratorSql`select last_run_status as status, coalesce(total_runs, 0)::int as runs from timescaledb_information.job_stats where job_id = ${id}::int`
      return { status: rows[0]?.status as string | undefined, runs: Number(rows[0]?.runs ?? 0) }
    }
    for (const { id } of jobs) {
      // A run after this one: the scheduler may have run the job once already, at the migration.
      const before = (await runsOf(id)).runs
      await migratorSql`select alter_job(${id}::int, next_start => now())`
      await pollUntilDefined(
        `job ${id} run by the scheduler`,
        async () => {
          const now = await runsOf(id)
          return (now.status === 'Success' && now.runs > before) || undefined
        },
        30_000,
        500,
      )
    }
    const status = await runCli(['status', '--check'], asMigrator())
    // With the output, so that a failure says which job or aggregate status --check saw.
    expect({ code: status.code, stdout: status.stdout }).toEqual({ code: 0, stdout: expect.any(String) })
  }, 70_000)
})
