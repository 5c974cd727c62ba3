import type { MigrationPlan } from './plan-migration.ts'
import { sqlText } from './sql-text.ts'

/** drizzle-kit's separator of statements in a migration file. */
export const STATEMENT_BREAKPOINT = '--> statement-breakpoint'

/**
 * A plan as the text of a drizzle-kit migration: each statement under the comment that says
 * what it does, separated by drizzle-kit's breakpoints, the warnings on top.
 */
export function renderMigration(plan: MigrationPlan, source = 'the schema'): string {
  const head = [
    `-- drizzle-timescale generate: TimescaleDB objects of ${source}. Parts that need the Timescale license`,
    '-- are skipped with a NOTICE on the Apache edition. It needs the timescaledb extension in this database',
    "-- (CREATE EXTENSION timescaledb, or the package's migration 0000). Review, then run drizzle-kit migrate.",
    ...plan.warnings.map((w) => `-- WARNING: ${w}`),
  ]
  const body = plan.steps.map((s) => `-- ${s.comment}\n${sqlText(s.statement)};`)
  return `${head.join('\n')}\n${body.join(`\n${STATEMENT_BREAKPOINT}\n`)}\n`
}
