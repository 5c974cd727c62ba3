import { type SQL, sql } from 'drizzle-orm'
import { textArrayLiteral } from '../internal/pg-array-literal.ts'
import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/**
 * The portable upsert of `rows` (every driver, inside transactions): `INSERT ... SELECT * FROM
 * unnest(...)` with one array parameter per written column, each an array literal of the values'
 * input texts cast on the server to the column's type, and the target's ON CONFLICT clause (none
 * for a table without a key). One statement, whatever the number of rows (PGlite caps parameters
 * at 32,767; this sends one per column).
 *
 * @example
 * ```ts
 * await db.execute(unnestRows(writeTargetOf(shape, rows), rows))
 * ```
 */
export function unnestRows(target: WriteTarget, rows: readonly EncodedRow[]): SQL {
  const arrays = target.indices.map((index) => {
    const values = new Array<string | null>(rows.length)
    for (let r = 0; r < rows.length; r++) values[r] = (rows[r] as EncodedRow).values[index] ?? null
    const type = (target.shape.columns[index] as { codec: { sqlType: string } }).codec.sqlType
    return sql`${textArrayLiteral(values)}::text::${sql.raw(type)}[]`
  })
  return sql`insert into ${target.shape.table} (${sql.raw(target.columnList)}) select * from unnest(${sql.join(arrays, sql`, `)}) ${
    target.upsert ?? sql``
  }`
}
