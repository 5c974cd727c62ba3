import { describe, expect, test } from 'bun:test'
import { CsvParser, CsvSyntaxError, csvField } from '../../src/cli/import/csv-parser.ts'

const parse = (text: string) => {
  const parser = new CsvParser()
  return [...parser.push(text), ...parser.end()]
}
/** The same text fed one character at a time: chunk boundaries must not matter. */
const parseByChar = (text: string) => {
  const parser = new CsvParser()
  const rows = [...text].flatMap((c) => parser.push(c))
  return [...rows, ...parser.end()]
}

describe('CsvParser (RFC 4180)', () => {
  test('splits fields on commas and records on LF or CRLF', () => {
    expect(parse('a,b,c\n1,2,3\r\n4,5,6')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 3, fields: ['4', '5', '6'] },
    ])
  })

  test('a quoted field holds commas, doubled quotes and line breaks; the row keeps its first line number', () => {
    const rows = parse('id,note\n1,"a, ""quoted"" b"\n2,"two\r\nlines"\n3,x\n')
    expect(rows).toEqual([
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['1', 'a, "quoted" b'] },
      { line: 3, fields: ['2', 'two\r\nlines'] },
      { line: 5, fields: ['3', 'x'] },
    ])
  })

  test('empty fields, empty quoted fields and a trailing comma', () => {
    expect(parse('a,,""\n,\n"",x,')).toEqual([
      { line: 1, fields: ['a', '', ''] },
      { line: 2, fields: ['', ''] },
      { line: 3, fields: ['', 'x', ''] },
    ])
  })

  test('blank lines are skipped but counted', () => {
    expect(parse('a\n\n\r\nb\n\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ])
  })

  test('a byte order mark at the start is dropped', () => {
    expect(parse('\uFEFFentity_id,time\nx,y')[0]?.fields).toEqual(['entity_id', 'time'])
  })

  test('chunk boundaries anywhere give the same rows (CRLF and "" split included)', () => {
    const text = 'h1,h2\r\n"a ""b"", c","x\r\ny"\r\nplain,"end"\r\n'
    expect(parseByChar(text)).toEqual(parse(text))
    expect(parse(text)).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, fields: ['a "b", c', 'x\r\ny'] },
      { line: 4, fields: ['plain', 'end'] },
    ])
  })

  test('a quote inside an unquoted field marks that row malformed and parsing goes on', () => {
    const rows = parse('a,b"c,d\ne,f')
    expect(rows[0]?.line).toBe(1)
    expect(rows[0]?.error).toContain('quote inside an unquoted field')
    expect(rows[1]).toEqual({ line: 2, fields: ['e', 'f'] })
  })

  test('text after a closing quote marks the row malformed', () => {
    const [row, next] = parse('"ab"c,d\n1,2')
    expect(row?.error).toBe('text after a closing quote')
    expect(next).toEqual({ line: 2, fields: ['1', '2'] })
  })

  test('a quoted field never closed is a syntax error naming the line it started on', () => {
    const parser = new CsvParser()
    parser.push('a,b\n1,"open\nstill open\n')
    expect(() => parser.end()).toThrow(CsvSyntaxError)
    expect(() => new CsvParser().end()).not.toThrow()
    const p = new CsvParser()
    p.push('x\n"y')
    let thrown: unknown
    try {
      p.end()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(CsvSyntaxError)
    expect((thrown as CsvSyntaxError).line).toBe(2)
    expect((thrown as CsvSyntaxError).message).toBe('line 2: a quoted field is never closed')
  })

  test('a lone CR is text, not a line break', () => {
    expect(parse('a\rb,c')).toEqual([{ line: 1, fields: ['a\rb', 'c'] }])
  })

  test('csvField quotes only what needs it, and round-trips', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    const fields = ['a,b', 'say "hi"', 'two\r\nlines', '', ' padded ']
    expect(parse(fields.map(csvField).join(','))).toEqual([{ line: 1, fields }])
  })
})
