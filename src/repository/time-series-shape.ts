import { floatText } from '../internal/pg-array-literal.ts'
import { timeSeriesHypertable } from '../toolkit/package-declarations.ts'
import { validateRecord } from '../validation/validate-record.ts'
import { finishRow, type TableShape, tableShape } from './table-shape.ts'

/**
 * `time_series_data` as the engine sees it: the declared hypertable's shape, with the package's
 * own record check (`validateRecord`: its field names, entity id and metadata limits) in place of
 * the column-by-column one.
 */
export const timeSeriesShape: TableShape = tableShape(timeSeriesHypertable, (shape) => {
  shape.rowsName = 'records'
  const keys = shape.columns.map((c) => c.key)
  return (input) => {
    const record = validateRecord(input) as unknown as Record<string, string | number | null>
    const values = new Array<string | null>(keys.length)
    for (let i = 0; i < keys.length; i++) {
      const value = record[keys[i] as string] ?? null
      values[i] = typeof value === 'number' ? floatText(value) : value
    }
    return finishRow(shape, values)
  }
})
