import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { CsvParser, type CsvRow, MAX_ROW_LENGTH } from './csv-parser.ts'
import { type CsvHeader, checkCsvHeader, recordFromCsv, recordFromJsonLine } from './csv-record.ts'
import { type ImportMapping, type MappedHeader, mapHeader, mapRow } from './import-mapping.ts'
import type { TableRowReader } from './table-rows.ts'

/** The formats `import` reads. */
export const IMPORT_FORMATS = ['csv', 'ndjson'] as const
/** One of {@link IMPORT_FORMATS}. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** A row of the input: its line, and the record read from it or why none could be. */
export type ImportRow =
  | { line: number; record: Record<string, unknown>; source: RowSource }
  | { line: number; error: string; source: RowSource }

/** What the row was in the input, to write it back to a rejects file. */
export type RowSource = { fields: string[] } | { text: string; parsed?: Record<string, unknown> }

/**
 * Reads an import file as a stream (never the whole file in memory): CSV with a header row, or
 * NDJSON (one JSON object a line). Yields each row with its line number, `bytesRead` tells how far
 * it got (for an ETA). Blank lines are skipped.
 */
export class ImportReader {
  #bytesRead = 0
  #header: CsvHeader | undefined
  #mapped: MappedHeader | undefined

  constructor(
    readonly format: ImportFormat,
    readonly input: Readable,
    /** How a file that is not in the record's shape becomes records (`--map` and friends). */
    readonly mapping?: ImportMapping,
    /** Rows of a declared table instead of records (`import --table`). */
    readonly table?: TableRowReader,
  ) {}

  /** A reader of a file; `-` reads standard input. */
  static open(path: string, format: ImportFormat, mapping?: ImportMapping, table?: TableRowReader): ImportReader {
    const input = path === '-' ? (process.stdin as Readable) : createReadStream(path, { highWaterMark: 256 * 1024 })
    return new ImportReader(format, input, mapping, table)
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.#bytesRead
  }

  /** The CSV header once read (`undefined` for NDJSON). */
  get header(): CsvHeader | undefined {
    return this.#header
  }

  /** The rows of the input, in order. Throws on an unreadable file or a CSV that cannot be parsed further. */
  async *rows(): AsyncGenerator<ImportRow> {
    const decoder = new TextDecoder('utf-8')
    if (this.format === 'csv') {
      const parser = new CsvParser()
      for await (const chunk of this.input as AsyncIterable<Buffer>) {
        this.#bytesRead += chunk.length
        yield* this.#csvRows(parser.push(decoder.decode(chunk, { stream: true })))
      }
      yield* this.#csvRows([...parser.push(decoder.decode()), ...parser.end()])
      if (!this.#header) throw new Error('the CSV file is empty: it needs a header row (entity_id,time,value,...)')
      return
    }
    let pending = ''
    let line = 0
    for await (const chunk of this.input as AsyncIterable<Buffer>) {
      this.#bytesRead += chunk.length
      const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n')
      pending = lines.pop() ?? ''
      if (pending.length > MAX_ROW_LENGTH) throw new Error(`line ${line + lines.length + 1} is longer than ${MAX_ROW_LENGTH} characters`)
      for (const text of lines) {
        line++
        const row = jsonRow(line, text, this.mapping, this.table)
        if (row) yield row
      }
    }
    const last = jsonRow(line + 1, pending + decoder.decode(), this.mapping, this.table)
    if (last) yield last
  }

  *#csvRows(rows: CsvRow[]): Generator<ImportRow> {
    for (const row of rows) {
      const source = { fields: row.fields }
      if (!this.#header) {
        if (row.error) throw new Error(`line ${row.line}: the CSV header is malformed: ${row.error}`)
        if (this.table) {
          this.table.header(row.fields)
          this.#header = { columns: row.fields }
        } else if (this.mapping) {
          this.#mapped = mapHeader(
            this.mapping,
            row.fields.map((f) => f.trim()),
          )
          this.#header = { columns: row.fields }
        } else this.#header = checkCsvHeader(row.fields)
        continue
      }
      if (row.error) {
        yield { line: row.line, error: `malformed CSV: ${row.error}`, source }
        continue
      }
      const read = this.table
        ? this.table.row(row.fields)
        : this.mapping && this.#mapped
          ? mappedRecord(this.mapping, this.#mapped, row.fields)
          : recordFromCsv(this.#header, row.fields)
      yield 'error' in read ? { line: row.line, error: read.error, source } : { line: row.line, record: read.record, source }
    }
  }
}

function mappedRecord(mapping: ImportMapping, header: MappedHeader, fields: readonly string[]): ReturnType<typeof recordFromCsv> {
  const mapped = mapRow(mapping, header, fields)
  return 'error' in mapped ? mapped : recordFromCsv({ columns: mapped.columns }, mapped.fields)
}

function jsonRow(line: number, raw: string, mapping?: ImportMapping, table?: TableRowReader): ImportRow | undefined {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
  if (text.trim() === '') return undefined
  let read = recordFromJsonLine(text)
  if (table && 'record' in read) {
    // The object's keys are its header; its values as a CSV's text (objects as JSON, null as null).
    const object = read.record
    const keys = Object.keys(object)
    try {
      table.header(keys)
      read = table.row(keys.map((k) => textOf(object[k])))
    } catch (error) {
      read = { error: (error as Error).message }
    }
  } else if (mapping && 'record' in read) {
    // The object's keys are its header; its values as a CSV's text (objects as JSON).
    const object = read.record
    const keys = Object.keys(object)
    const fields = keys.map((k) => {
      const v = object[k]
      return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)
    })
    try {
      read = mappedRecord(mapping, mapHeader(mapping, keys), fields)
    } catch (error) {
      read = { error: (error as Error).message }
    }
  }
  return 'error' in read
    ? { line, error: read.error, source: { text } }
    : { line, record: read.record, source: { text, parsed: read.record } }
}

function textOf(v: unknown): string | null {
  return v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)
}
