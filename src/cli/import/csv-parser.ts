/** One record of a CSV file: its fields, and the line it starts on (1-based). */
export interface CsvRow {
  line: number
  fields: string[]
  /** Why the row is malformed (a stray quote); `fields` then holds what was read. */
  error?: string
}

/** The input cannot be parsed further: a quoted field never ends. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError'
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

/** Longest row accepted, in characters (metadata may be 1 MiB): a quote left open would otherwise swallow the whole file. */
export const MAX_ROW_LENGTH = 4 * 1024 * 1024

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  Malformed,
}

/**
 * An incremental RFC 4180 parser: feed it text in chunks of any size (`push`), then `end()`.
 * Fields are separated by commas, records by CRLF or LF; a field in double quotes may hold commas,
 * line breaks and doubled quotes (`""` for `"`). Blank lines are skipped. A quote inside an
 * unquoted field, or text after a closing quote, marks that row malformed (`error`) and parsing
 * resumes at the next line. A leading byte order mark is dropped.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180
 */
export class CsvParser {
  #state = State.FieldStart
  #field = ''
  #fields: string[] = []
  #rowLength = 0
  #line = 1
  #rowLine = 1
  #error: string | undefined
  #started = false
  #pendingCr = false

  /** Parses `chunk` and returns the rows it completed. */
  push(chunk: string): CsvRow[] {
    const rows: CsvRow[] = []
    let text = chunk
    if (!this.#started && text.length > 0) {
      this.#started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string
      // A CR ends the line only with the LF after it (it may come in the next chunk); a lone CR is text.
      if (this.#pendingCr) {
        this.#pendingCr = false
        if (c === '\n') {
          this.#endLine(rows)
          continue
        }
        this.#char('\r')
      }
      if (c === '\r' && this.#state !== State.Quoted) {
        this.#pendingCr = true
        continue
      }
      if (c === '\n' && this.#state !== State.Quoted) {
        this.#endLine(rows)
        continue
      }
      if (c === '\n') this.#line++
      this.#char(c)
    }
    return rows
  }

  /** Finishes the input and returns the last row, if any. */
  end(): CsvRow[] {
    const rows: CsvRow[] = []
    if (this.#pendingCr) {
      this.#pendingCr = false
      this.#endLine(rows)
    }
    if (this.#state === State.Quoted) {
      throw new CsvSyntaxError(`line ${this.#rowLine}: a quoted field is never closed`, this.#rowLine)
    }
    if (this.#state !== State.FieldStart || this.#fields.length > 0) this.#endRow(rows)
    return rows
  }

  #char(c: string): void {
    if (++this.#rowLength > MAX_ROW_LENGTH) {
      throw new CsvSyntaxError(
        `line ${this.#rowLine}: the row is longer than ${MAX_ROW_LENGTH} characters (a quote left open?)`,
        this.#rowLine,
      )
    }
    switch (this.#state) {
      case State.FieldStart:
        if (c === '"') this.#state = State.Quoted
        else if (c === ',') this.#fields.push('')
        else {
          this.#field = c
          this.#state = State.Unquoted
        }
        return
      case State.Unquoted:
        if (c === ',') this.#endField()
        else if (c === '"') this.#malformed(`a quote inside an unquoted field (quote the whole field and double the quote)`)
        else this.#field += c
        return
      case State.Quoted:
        if (c === '"') this.#state = State.QuoteInQuoted
        else this.#field += c
        return
      case State.QuoteInQuoted:
        if (c === '"') {
          this.#field += '"'
          this.#state = State.Quoted
        } else if (c === ',') this.#endField()
        else this.#malformed('text after a closing quote')
        return
      case State.Malformed:
        return
    }
  }

  #endField(): void {
    this.#fields.push(this.#field)
    this.#field = ''
    this.#state = State.FieldStart
  }

  #malformed(reason: string): void {
    this.#error ??= reason
    this.#state = State.Malformed
  }

  #endLine(rows: CsvRow[]): void {
    if (this.#state === State.FieldStart && this.#fields.length === 0) {
      // A blank line.
      this.#line++
      this.#rowLine = this.#line
      this.#rowLength = 0
      return
    }
    this.#endRow(rows)
    this.#line++
    this.#rowLine = this.#line
  }

  #endRow(rows: CsvRow[]): void {
    if (this.#state !== State.Malformed) this.#fields.push(this.#field)
    const row: CsvRow = { line: this.#rowLine, fields: this.#fields }
    if (this.#error !== undefined) row.error = this.#error
    rows.push(row)
    this.#fields = []
    this.#field = ''
    this.#state = State.FieldStart
    this.#error = undefined
    this.#rowLength = 0
  }
}

/** Quotes a field for CSV output when it needs it (comma, quote, CR, LF, or edge spaces). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}
