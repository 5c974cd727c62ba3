/** The columns of a record in an import file (CSV header / NDJSON keys). */
export const RECORD_COLUMNS = ['entity_id', 'time', 'value', 'value2', 'value3', 'value4', 'metadata'] as const
/** Columns a rejects file adds; ignored on import, so a fixed rejects file can be imported as it is. */
export const REJECT_COLUMNS = ['_line', '_error'] as const

const REQUIRED = ['entity_id', 'time', 'value']
const COLUMN_LIST = RECORD_COLUMNS.join(', ')
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** A CSV header checked against the record's columns. */
export interface CsvHeader {
  columns: string[]
}

/** Checks a CSV header row; throws with what is wrong (unknown, repeated or missing columns). */
export function checkCsvHeader(fields: string[]): CsvHeader {
  const columns = fields.map((f) => f.trim())
  const known = new Set<string>([...RECORD_COLUMNS, ...REJECT_COLUMNS])
  const unknown = columns.filter((c) => !known.has(c))
  if (unknown.length > 0) {
    const names = unknown.map((c) => `'${c}'`).join(', ')
    throw new Error(`line 1: unknown column${unknown.length > 1 ? 's' : ''} ${names} in the CSV header (columns: ${COLUMN_LIST})`)
  }
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i)
  if (repeated.length > 0) throw new Error(`line 1: column '${repeated[0]}' appears twice in the CSV header`)
  const missing = REQUIRED.filter((c) => !columns.includes(c))
  if (missing.length > 0) throw new Error(`line 1: the CSV header has no ${missing.join(', ')} column (columns: ${COLUMN_LIST})`)
  return { columns }
}

/**
 * Turns a CSV row into a record: numbers parsed strictly (`1.5`, `-2e3`; not `0x10` or ` `), an
 * empty `value2`..`value4` or `metadata` as null, `metadata` parsed as JSON. Returns the reason
 * when the row cannot be a record; what a record needs beyond that is checked by the repository.
 */
export function recordFromCsv(header: CsvHeader, fields: string[]): { record: Record<string, unknown> } | { error: string } {
  if (fields.length !== header.columns.length) {
    return { error: `${fields.length} field${fields.length === 1 ? '' : 's'} where the header has ${header.columns.length}` }
  }
  const record: Record<string, unknown> = {}
  for (const [i, column] of header.columns.entries()) {
    const text = fields[i] as string
    if (column === '_line' || column === '_error') continue
    if (column === 'entity_id' || column === 'time') record[column] = text
    else if (column === 'metadata') {
      if (text.trim() === '') record.metadata = null
      else {
        try {
          record.metadata = JSON.parse(text)
        } catch {
          return { error: 'metadata is not valid JSON' }
        }
      }
    } else {
      const trimmed = text.trim()
      if (trimmed === '') {
        if (column === 'value') return { error: 'value is empty' }
        record[column] = null
      } else if (NUMBER.test(trimmed)) record[column] = Number(trimmed)
      else return { error: `${column} '${text.length > 40 ? `${text.slice(0, 40)}...` : text}' is not a number` }
    }
  }
  return { record }
}

/**
 * Turns an NDJSON line into a record: a JSON object with the record's keys (`_line` and `_error`,
 * from a rejects file, are dropped). Returns the reason when it is not a JSON object.
 */
export function recordFromJsonLine(text: string): { record: Record<string, unknown> } | { error: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return { error: `not valid JSON (${(error as Error).message})` }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: `not a JSON object but ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}` }
  }
  const { _line, _error, ...record } = parsed as Record<string, unknown>
  return { record }
}
