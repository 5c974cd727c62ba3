import { columnByName, type ShapeColumn, type TableShape } from '../../repository/table-shape.ts'
import { convertTime, type ImportMapping, TIME_FORMATS } from './import-mapping.ts'

/** How the columns of a file become rows of a declared table (`import --table`). */
export interface TableMapping {
  /** Table column (TypeScript key or SQL name) -> the file's column. */
  columns: Record<string, string>
  timeZone?: string
  timeFormat: ImportMapping['timeFormat']
}

/** A file's columns resolved against a declared table: for each file column, the table column it fills (or none for `_line`/`_error`). */
export interface TableRowReader {
  /** The file's header (CSV) or an object's keys (NDJSON): throws naming an unknown or missing column. */
  header(columns: readonly string[]): void
  /** One row's fields (text, as in a CSV) as a row of the table, typed for its columns; or why it cannot be one. */
  row(fields: readonly (string | null)[]): { record: Record<string, unknown> } | { error: string }
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const REJECT_COLUMNS = new Set(['_line', '_error'])

/**
 * Parses `--map` for a declared table: `<table column>=<file column>` pairs, the table column by its
 * TypeScript key or SQL name. Throws a message naming the option.
 */
export function parseTableMapping(shape: TableShape, options: { map?: string; timeZone?: string; timeFormat?: string }): TableMapping {
  const columns: Record<string, string> = {}
  for (const pair of (options.map ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [to, from, ...rest] = pair.split('=').map((s) => s.trim())
    if (!to || !from || rest.length > 0) throw new Error(`--map: '${pair}' is not <table column>=<file column>`)
    const column = columnByName(shape, to)
    if (!column) throw new Error(`--map: '${to}' is not a column of ${shape.name} (${shape.columns.map((c) => c.key).join(', ')})`)
    if (columns[column.key]) throw new Error(`--map: ${to} is mapped twice`)
    columns[column.key] = from
  }
  const timeFormat = (options.timeFormat ?? 'iso') as TableMapping['timeFormat']
  if (!(TIME_FORMATS as readonly string[]).includes(timeFormat)) throw new Error(`--time-format must be one of ${TIME_FORMATS.join(', ')}`)
  if (options.timeZone !== undefined && timeFormat !== 'iso')
    throw new Error('--time-zone applies to ISO times without an offset, not to epoch times')
  return { columns, timeFormat, ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }) }
}

/**
 * Reads rows of a declared table from a file's text fields: each column's text converted to what
 * its type takes (numbers parsed strictly, `true`/`false`/`t`/`f`/`1`/`0` for booleans, JSON for
 * json columns, the time column by `--time-zone`/`--time-format`), an empty field as null (left to
 * the server's default where the column has one). The engine checks the values against their
 * columns, as for any write.
 */
export function tableRowReader(shape: TableShape, mapping: TableMapping): TableRowReader {
  let sources: { column: ShapeColumn; index: number }[] = []
  const timeColumn = shape.columns[shape.time] as ShapeColumn
  const timeMapping = { columns: {}, timeFormat: mapping.timeFormat, ...(mapping.timeZone ? { timeZone: mapping.timeZone } : {}) }
  return {
    header(header) {
      const names = header.map((h) => h.trim())
      const index = (name: string, what: string) => {
        const i = names.indexOf(name)
        if (i < 0) throw new Error(`${what}: the file has no column '${name}' (its columns: ${names.join(', ')})`)
        return i
      }
      const mapped = new Map<number, ShapeColumn>()
      for (const column of shape.columns) {
        const from = mapping.columns[column.key]
        if (from !== undefined) mapped.set(index(from, `--map ${column.key}=${from}`), column)
      }
      names.forEach((name, i) => {
        if (mapped.has(i) || REJECT_COLUMNS.has(name) || [...mapped.values()].some((c) => mapping.columns[c.key] === name)) return
        const column = columnByName(shape, name)
        if (!column) {
          throw new Error(
            `the file's column '${name}' is not a column of ${shape.name} (columns: ${shape.columns.map((c) => c.key).join(', ')}): map it with --map <column>=${name}`,
          )
        }
        if ([...mapped.values()].includes(column)) throw new Error(`the file has ${column.key} twice ('${name}' and a --map)`)
        mapped.set(i, column)
      })
      const filled = new Set(mapped.values())
      const missing = shape.columns.filter((c) => !filled.has(c) && c.notNull && !c.serverDefault && !c.clientDefault)
      if (missing.length > 0) {
        throw new Error(
          `the file has no ${missing.map((c) => c.key).join(', ')} column for ${shape.name}: map one with --map ${missing[0]?.key}=<column>`,
        )
      }
      sources = [...mapped.entries()].map(([i, column]) => ({ column, index: i }))
    },
    row(fields) {
      const record: Record<string, unknown> = {}
      for (const { column, index } of sources) {
        const raw = fields[index]
        if (raw === null || raw === undefined || raw === '') {
          if (!column.serverDefault) record[column.key] = null
          continue
        }
        const value = column === timeColumn ? convertTime(timeMapping, raw) : fieldValue(column, raw)
        if (typeof value === 'object' && value !== null && 'error' in value) return value as { error: string }
        record[column.key] = value
      }
      return { record }
    },
  }
}

/** A field's text as the value its column takes (`{ error }` when it cannot be one): for files, and values given on the command line. */
export function fieldValue(column: ShapeColumn, text: string): unknown {
  const type = column.codec.sqlType.toLowerCase()
  const trimmed = text.trim()
  const clip = text.length > 40 ? `${text.slice(0, 40)}...` : text
  if (type === 'double precision' || type === 'real' || type === 'integer' || type === 'smallint' || type.startsWith('serial')) {
    if (!NUMBER.test(trimmed)) return { error: `${column.key} '${clip}' is not a number` }
    return Number(trimmed)
  }
  if (type === 'bigint' || type === 'bigserial') {
    if (!/^[+-]?\d+$/.test(trimmed)) return { error: `${column.key} '${clip}' is not an integer` }
    const n = Number(trimmed)
    return Number.isSafeInteger(n) ? n : BigInt(trimmed)
  }
  if (type === 'boolean') {
    const t = trimmed.toLowerCase()
    if (['t', 'true', '1', 'yes'].includes(t)) return true
    if (['f', 'false', '0', 'no'].includes(t)) return false
    return { error: `${column.key} '${clip}' is not a boolean (true/false)` }
  }
  if (type === 'json' || type === 'jsonb') {
    try {
      return JSON.parse(text)
    } catch {
      return { error: `${column.key} is not valid JSON` }
    }
  }
  if (column.codec.temporal !== null) return trimmed
  return text
}
