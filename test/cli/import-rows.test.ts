import { describe, expect, test } from 'bun:test'
import { Readable } from 'node:stream'
import { checkCsvHeader, recordFromCsv, recordFromJsonLine } from '../../src/cli/import/csv-record.ts'
import { ImportReader, type ImportRow } from '../../src/cli/import/import-reader.ts'

const header = checkCsvHeader(['entity_id', 'time', 'value', 'value2', 'metadata'])

async function rows(format: 'csv' | 'ndjson', chunks: string[]): Promise<ImportRow[]> {
  const reader = new ImportReader(format, Readable.from(chunks.map((c) => Buffer.from(c))))
  const out: ImportRow[] = []
  for await (const row of reader.rows()) out.push(row)
  return out
}

describe('CSV rows to records', () => {
  test('numbers are parsed strictly; an empty optional value or metadata is null', () => {
    expect(recordFromCsv(header, ['s1', '2024-01-15T10:30:00Z', '-1.5e2', '', ''])).toEqual({
      record: { entity_id: 's1', time: '2024-01-15T10:30:00Z', value: -150, value2: null, metadata: null },
    })
    expect(recordFromCsv(header, ['s1', 't', '0x10', '', ''])).toEqual({ error: "value '0x10' is not a number" })
    expect(recordFromCsv(header, ['s1', 't', '1', 'NaN', ''])).toEqual({ error: "value2 'NaN' is not a number" })
    expect(recordFromCsv(header, ['s1', 't', ' ', '', ''])).toEqual({ error: 'value is empty' })
  })

  test('metadata is a JSON string column', () => {
    expect(recordFromCsv(header, ['s1', 't', '1', '', '{"room":"a"}'])).toMatchObject({ record: { metadata: { room: 'a' } } })
    expect(recordFromCsv(header, ['s1', 't', '1', '', '{room}'])).toEqual({ error: 'metadata is not valid JSON' })
  })

  test('a row with another number of fields than the header is refused', () => {
    expect(recordFromCsv(header, ['s1', 't'])).toEqual({ error: '2 fields where the header has 5' })
  })

  test('the header needs entity_id, time and value, and knows only the record columns and _line/_error', () => {
    expect(() => checkCsvHeader(['entity_id', 'time'])).toThrow('the CSV header has no value column')
    expect(() => checkCsvHeader(['entity_id', 'time', 'value', 'valu2'])).toThrow("unknown column 'valu2'")
    expect(() => checkCsvHeader(['entity_id', 'time', 'value', 'value'])).toThrow("column 'value' appears twice")
    expect(checkCsvHeader(['_line', '_error', 'entity_id', 'time', 'value']).columns).toHaveLength(5)
  })

  test('_line and _error (from a rejects file) are ignored', () => {
    const h = checkCsvHeader(['_line', '_error', 'entity_id', 'time', 'value'])
    expect(recordFromCsv(h, ['7', 'why', 's1', 't', '1'])).toEqual({ record: { entity_id: 's1', time: 't', value: 1 } })
  })
})

describe('NDJSON lines to records', () => {
  test('a JSON object is a record; _line and _error are dropped', () => {
    expect(recordFromJsonLine('{"entity_id":"a","value":1,"_line":3,"_error":"x"}')).toEqual({ record: { entity_id: 'a', value: 1 } })
  })
  test('anything else is refused with the reason', () => {
    expect(recordFromJsonLine('[1]')).toEqual({ error: 'not a JSON object but an array' })
    expect(recordFromJsonLine('null')).toEqual({ error: 'not a JSON object but null' })
    expect('error' in recordFromJsonLine('{oops')).toBe(true)
  })
})

describe('ImportReader', () => {
  test('CSV: line numbers of records spanning lines, across chunk boundaries and multi-byte characters', async () => {
    const text = 'entity_id,time,value,metadata\ns1,2024-01-15T10:30:00Z,1,"{""n"":""é"",\n""m"":""è""}"\n\ns2,2024-01-15T10:31:00Z,x,\n'
    const bytes = Buffer.from(text)
    // Split in the middle of the two-byte é.
    const at = bytes.indexOf(Buffer.from('é')) + 1
    const reader = new ImportReader('csv', Readable.from([bytes.subarray(0, at), bytes.subarray(at)]))
    const out: ImportRow[] = []
    for await (const row of reader.rows()) out.push(row)
    expect(out.map((r) => r.line)).toEqual([2, 5])
    expect(out[0]).toMatchObject({ record: { entity_id: 's1', metadata: { n: 'é', m: 'è' } } })
    expect(out[1]).toMatchObject({ error: "value 'x' is not a number" })
    expect(reader.bytesRead).toBe(bytes.length)
  })

  test('CSV: an empty file has no header', async () => {
    await expect(rows('csv', [''])).rejects.toThrow('the CSV file is empty')
  })

  test('NDJSON: physical line numbers, blank lines and CRLF, a last line without a newline', async () => {
    const out = await rows('ndjson', ['{"entity_id":"a","time":"t","value":1}\r\n\n{bad', '\n[2]\n{"entity_id":"b","time":"t","value":2}'])
    expect(out.map((r) => [r.line, 'error' in r])).toEqual([
      [1, false],
      [3, true],
      [4, true],
      [5, false],
    ])
  })
})
