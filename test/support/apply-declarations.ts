import { sql } from 'drizzle-orm'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { EMPTY_STATE, planMigration, renderMigration, STATEMENT_BREAKPOINT, stateOf, type TimescaleState } from '../../src/toolkit/index.ts'

/**
 * Runs, statement by statement, the migration `generate` would write for `declarations` (from
 * nothing, or from the declarations of `from`): what a project's drizzle-kit migrate would apply.
 */
export async function applyDeclarations(
  db: AnyPgDatabase,
  declarations: Iterable<unknown> | TimescaleState,
  from: TimescaleState = EMPTY_STATE,
): Promise<void> {
  const next = isState(declarations) ? declarations : stateOf(declarations)
  for (const statement of renderMigration(planMigration(from, next)).split(STATEMENT_BREAKPOINT)) await db.execute(sql.raw(statement))
}

function isState(value: Iterable<unknown> | TimescaleState): value is TimescaleState {
  return !(Symbol.iterator in value) && 'hypertables' in value
}
