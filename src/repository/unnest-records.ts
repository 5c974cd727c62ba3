import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import { floatArrayLiteral, textArrayLiteral } from '../internal/pg-array-literal.ts'
import { timeSeriesData } from '../schema/time-series-data.ts'
import type { ValidRecord } from '../validation/index.ts'
import { COPY_COLUMNS, upsertOnConflict } from './record-columns.ts'

// Each column of the table, with its type: numbers travel as a float8 array literal, everything
// else as text, cast on the server to the column's type.
const COLUMNS = Object.values(getTableColumns(timeSeriesData)).map((c) => ({
  key: c.name as keyof ValidRecord,
  type: sql.raw(c.getSQLType()),
  numeric: c.getSQLType() === 'double precision',
}))

/**
 * The portable upsert of `rows` (every driver, inside transactions): `INSERT ... SELECT * FROM
 * unnest(...)` with one array parameter per column of `time_series_data`, and the package's
 * ON CONFLICT clause. One statement, whatever the number of rows (PGlite caps parameters at
 * 32,767; this sends seven).
 *
 * @example
 * ```ts
 * await db.execute(unnestRecords(validRows))
 * ```
 */
export function unnestRecords(rows: readonly ValidRecord[]): SQL {
  const arrays = COLUMNS.map(({ key, type, numeric }) => {
    const values = rows.map((r) => r[key])
    const literal = numeric ? floatArrayLiteral(values as (number | null)[]) : textArrayLiteral(values as (string | null)[])
    return sql`${literal}::text::${type}[]`
  })
  return sql`insert into time_series_data (${sql.raw(COPY_COLUMNS)}) select * from unnest(${sql.join(arrays, sql`, `)}) ${upsertOnConflict}`
}
