/*
 * The package's own hypertable and aggregate, declared with the toolkit
 * (src/toolkit/package-declarations.ts): on every target the SQL `generate` writes for them gives
 * the catalog state of the committed migrations (dimensions, columnstore settings, jobs and their
 * configs, the aggregate's definition), and `check` finds no drift on a database those migrations
 * made.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { checkDrift, EMPTY_STATE, planMigration, renderMigration, STATEMENT_BREAKPOINT, stateOf } from '../../src/toolkit/index.ts'
import { hourlyMetricsAggregate, timeSeriesHypertable } from '../../src/toolkit/package-declarations.ts'
import { REPO } from '../cli/cli-harness.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

const state = stateOf([timeSeriesHypertable, hourlyMetricsAggregate])

/** What the catalog says of the package's objects, without ids and schedules' state. */
async function catalogFacts(db: AnyPgDatabase) {
  const rows = (q: ReturnType<typeof sql>) => queryRows<Record<string, unknown>>(db, q)
  return {
    dimensions: await rows(sql`select column_name, dimension_type, time_interval::text, num_partitions
      from timescaledb_information.dimensions where hypertable_name = 'time_series_data' order by dimension_number`),
    columnstore: await rows(sql`select attname, segmentby_column_index, orderby_column_index, orderby_asc, orderby_nullsfirst
      from timescaledb_information.compression_settings where hypertable_name = 'time_series_data' order by attname`),
    jobs: await rows(sql`select proc_name, hypertable_name, schedule_interval::text,
        (config - 'hypertable_id' - 'mat_hypertable_id')::text as config
      from timescaledb_information.jobs where job_id >= 1000 order by proc_name`),
    aggregate: await rows(sql`select view_name, materialized_only, view_definition
      from timescaledb_information.continuous_aggregates order by view_name`),
  }
}

for (const target of targets) {
  describe(`the package's declarations on ${target.name}`, () => {
    let committed: TestDatabase
    let generated: TestDatabase
    beforeAll(async () => {
      committed = await target.open()
      generated = await target.open({ migrate: false })
      // The extension and the tables (0000, 0001), then the generator's SQL instead of 0002-0004.
      const [extension, tables] = readMigrationFiles({ migrationsFolder: join(REPO, 'drizzle') })
      const db = generated.db as AnyPgDatabase
      for (const statement of [...(extension?.sql ?? []), ...(tables?.sql ?? [])]) await db.execute(sql.raw(statement))
      const text = renderMigration(planMigration(EMPTY_STATE, state))
      await db.transaction(async (tx) => {
        for (const statement of text.split(STATEMENT_BREAKPOINT)) await tx.execute(sql.raw(statement))
      })
    })
    afterAll(async () => {
      await committed.close()
      await generated.close()
    })

    test('check finds no drift on a database the committed migrations made', async () => {
      const report = await checkDrift(committed.db as AnyPgDatabase, state)
      expect(report.drift).toEqual([])
      expect(report.notChecked.length).toBe(target.license === 'timescale' ? 0 : 2)
    })

    test("the generator's SQL gives the committed migrations' catalog state", async () => {
      const want = await catalogFacts(committed.db as AnyPgDatabase)
      const got = await catalogFacts(generated.db as AnyPgDatabase)
      expect(got).toEqual(want)
      expect(want.dimensions).toHaveLength(2)
      if (target.license === 'timescale') {
        expect(want.jobs.map((j) => j.proc_name)).toEqual(['policy_compression', 'policy_refresh_continuous_aggregate', 'policy_retention'])
        expect(want.aggregate).toHaveLength(1)
      } else expect(want.jobs).toEqual([])
      expect((await checkDrift(generated.db as AnyPgDatabase, state)).drift).toEqual([])
    })
  })
}
