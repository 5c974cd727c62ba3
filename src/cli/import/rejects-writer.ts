import { closeSync, openSync, writeSync } from 'node:fs'
import { csvField } from './csv-parser.ts'
import type { CsvHeader } from './csv-record.ts'
import type { ImportFormat, RowSource } from './import-reader.ts'

/**
 * Writes rejected rows to a file in the input's own format, each with `_line` (its line in the
 * input) and `_error` (why) first: CSV rows keep their fields after those two columns, NDJSON
 * objects get two more keys (a line that was not a JSON object is kept as `_raw`). `import`
 * ignores `_line` and `_error`, so the fixed file can be imported as it is.
 */
export class RejectsWriter {
  readonly #fd: number
  #headerWritten = false

  /** Creates (or empties) the file at `path`. */
  constructor(
    readonly path: string,
    readonly format: ImportFormat,
  ) {
    this.#fd = openSync(path, 'w')
  }

  write(line: number, error: string, source: RowSource, header: CsvHeader | undefined): void {
    if ('fields' in source) {
      const columns = header?.columns ?? []
      if (!this.#headerWritten) {
        this.#append(['_line', '_error', ...columns.filter((c) => c !== '_line' && c !== '_error')].map(csvField).join(','))
        this.#headerWritten = true
      }
      const fields = source.fields.filter((_, i) => columns[i] !== '_line' && columns[i] !== '_error')
      this.#append([String(line), error, ...fields].map(csvField).join(','))
    } else {
      const body = source.parsed ?? { _raw: source.text }
      this.#append(JSON.stringify({ _line: line, _error: error, ...body }))
    }
  }

  close(): void {
    closeSync(this.#fd)
  }

  #append(text: string): void {
    writeSync(this.#fd, `${text}\n`)
  }
}
