import { readSnapshot, writeCustomMigration } from './migration-folder.ts'
import { planMigration } from './plan-migration.ts'
import { renderMigration } from './render-migration.ts'
import type { TimescaleState } from './timescale-state.ts'

/** What `generateMigration` did. */
export interface GenerateResult {
  /** The new migration file, or `null` when nothing changed since the last one. */
  path: string | null
  /** How many statements it holds. */
  statements: number
  warnings: string[]
}

/**
 * Compares the declarations with the snapshot of the last `generate` in a drizzle-kit migrations
 * folder and, when they differ, appends a custom migration with what changed (see
 * `planMigration`) and updates the snapshot.
 *
 * @throws {MigrationError} the folder has no drizzle-kit migrations, or a declared table is not in them.
 * @throws {ValidationError} a change TimescaleDB cannot make in place.
 * @example
 * ```ts
 * const state = await loadDeclarations(['./src/schema.ts'])
 * const { path, warnings } = generateMigration(state, './drizzle', 'timescale')
 * ```
 */
export function generateMigration(state: TimescaleState, folder: string, name = 'timescale', source?: string): GenerateResult {
  const plan = planMigration(readSnapshot(folder), state)
  if (plan.steps.length === 0) return { path: null, statements: 0, warnings: plan.warnings }
  const path = writeCustomMigration(folder, name, renderMigration(plan, source), state)
  return { path, statements: plan.steps.length, warnings: plan.warnings }
}
