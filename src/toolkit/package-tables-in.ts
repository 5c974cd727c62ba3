import { getTableName, is } from 'drizzle-orm'
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { entities } from '../schema/entities.ts'
import { timeSeriesData } from '../schema/time-series-data.ts'

const PACKAGE_TABLES: string[] = [timeSeriesData, entities].map((t) => getTableName(t))

/**
 * The package's own tables among a schema module's exports (re-exported from
 * `drizzle-timescale/schema`), by name in the `public` schema: drizzle-kit generate would create
 * them in the project's migrations too, and the next migrate fails with `relation "entities"
 * already exists`.
 */
export function packageTablesIn(values: Iterable<unknown>): string[] {
  const found = new Set<string>()
  for (const value of values) {
    if (!is(value, PgTable)) continue
    const name = getTableName(value)
    if (PACKAGE_TABLES.includes(name) && (getTableConfig(value).schema ?? 'public') === 'public') found.add(name)
  }
  return [...found]
}

/** The package's tables among the tables of a drizzle-kit snapshot (`public.entities`, ...). */
export function packageTablesInSnapshot(tables: Record<string, unknown> | undefined): string[] {
  return PACKAGE_TABLES.filter((name) => tables?.[`public.${name}`] !== undefined)
}
