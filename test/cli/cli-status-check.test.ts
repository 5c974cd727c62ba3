/*
 * `status --check` on a continuous aggregate whose refresh policy is not keeping up: rows inside
 * the policy's window, older than end_offset plus three schedules, not materialized. The embedded
 * database has no scheduler, so its policy never refreshes: the aggregate falls behind for sure.
 * (A failing job is checked on the native full-license server, in test/scheduler.)
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { type CliTarget, openCliTarget, runCli, targets } from './cli-harness.ts'

setDefaultTimeout(60_000)

const embedded = targets.filter((t) => t.kind === 'embedded')

for (const target of embedded) {
  describe(`status --check on ${target.name}`, () => {
    let t: CliTarget
    beforeAll(async () => {
      t = await openCliTarget(target, { migrated: true })
    })
    afterAll(() => t.close())

    test('an empty database, and a quiet one whose rows are all outside the refresh window, pass', async () => {
      expect((await runCli(['status', '--check', ...t.args], t.env)).code).toBe(0)
      await t.withDb((db) =>
        db.execute(sql`insert into time_series_data (entity_id, time, value) values ('chk', now() - interval '3 days', 1)`),
      )
      const run = await runCli(['status', '--check', ...t.args], t.env)
      expect(run.stdout).not.toContain('Problems')
      expect(run.code).toBe(0)
    })

    test('rows 6 hours old never materialized: exit 4 naming the aggregate; after a refresh: exit 0', async () => {
      await t.withDb((db) =>
        db.execute(sql`insert into time_series_data (entity_id, time, value) values ('chk', now() - interval '6 hours', 2)`),
      )
      const behind = await runCli(['status', '--check', ...t.args], t.env)
      expect(behind.code).toBe(4)
      expect(behind.stdout).toMatch(
        /^ {2}continuous aggregate public\.hourly_metrics was never refreshed, but holds rows older than 14400 s inside its refresh window that are not materialized: its refresh policy is not keeping up$/m,
      )
      expect(behind.stdout).toMatch(/job 1002: 1 day to 01:00:00 ago, every 01:00:00 \(behind\)/)
      await t.withDb((db) => db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', null, now() - interval '1 hour')`))
      const caughtUp = await runCli(['status', '--check', ...t.args], t.env)
      expect(caughtUp.stdout).not.toContain('(behind)')
      expect(caughtUp.code).toBe(0)
    })
  })
}
