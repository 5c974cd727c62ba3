import { type SQL, sql } from 'drizzle-orm'
import { invalid } from '../validation/invalid.ts'
import { type EncodedRow, identifierText, type TableShape } from './table-shape.ts'

/** The columns one write sends, and the statements' pieces for them. */
export interface WriteTarget {
  shape: TableShape
  /** Indexes into `shape.columns` of the columns written, in table order. */
  indices: number[]
  /** Their names, for `COPY` and `INSERT` column lists. */
  columnList: string
  /** `copy <table> (<columns>) from stdin`. */
  copy: string
  /** `ON CONFLICT (key) DO UPDATE SET` every other written column, or `null` (no key: plain inserts). */
  upsert: SQL | null
}

const targets = new WeakMap<TableShape, Map<string, WriteTarget>>()

/**
 * The write target of `rows`: every column of the table except those with a server default that
 * no row gives (PostgreSQL then fills them). A column with a server default that some rows give
 * and others leave out is refused: one statement has one column list.
 *
 * @throws {ValidationError} naming the first row and column left out.
 */
export function writeTargetOf(shape: TableShape, rows: readonly EncodedRow[]): WriteTarget {
  let omitted = ''
  for (let i = 0; i < shape.columns.length; i++) {
    const column = shape.columns[i]
    if (!column?.serverDefault) continue
    const missing = rows.findIndex((r) => r.values[i] === undefined)
    if (missing < 0) continue
    const given = rows.findIndex((r) => r.values[i] !== undefined)
    if (given >= 0) {
      throw invalid(
        column.key,
        `is left out of ${shape.rowsName}[${missing}] but given in ${shape.rowsName}[${given}]: give it in every row of a call or in none (one statement has one column list)`,
        { index: missing },
      )
    }
    omitted += `${i},`
  }
  let byOmitted = targets.get(shape)
  if (!byOmitted) {
    byOmitted = new Map()
    targets.set(shape, byOmitted)
  }
  let target = byOmitted.get(omitted)
  if (!target) {
    const skip = new Set(omitted.split(',').filter(Boolean).map(Number))
    const indices = shape.columns.map((_, i) => i).filter((i) => !skip.has(i))
    const names = indices.map((i) => shape.columns[i]?.name as string)
    const keyNames = shape.key.map((i) => shape.columns[i]?.name as string)
    const rest = names.filter((n) => !keyNames.includes(n))
    const upsert =
      keyNames.length === 0
        ? null
        : sql`on conflict (${sql.join(
            keyNames.map((n) => sql.identifier(n)),
            sql`, `,
          )}) ${
            rest.length === 0
              ? sql`do nothing`
              : sql`do update set ${sql.join(
                  rest.map((n) => sql`${sql.identifier(n)} = excluded.${sql.identifier(n)}`),
                  sql`, `,
                )}`
          }`
    const columnList = names.map(identifierText).join(', ')
    target = { shape, indices, columnList, copy: `copy ${shape.tableText} (${columnList}) from stdin`, upsert }
    byOmitted.set(omitted, target)
  }
  return target
}
