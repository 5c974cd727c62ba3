import { Name, type SQL, SQL as SqlClass, StringChunk, Table } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'

const dialect = new PgDialect()
// Drizzle's table symbols (`Table.Symbol`), registered by name.
const SCHEMA = Symbol.for('drizzle:Schema')
const NAME = Symbol.for('drizzle:Name')
/** Set on Drizzle's aliased tables (`alias(table, 'x')`), which render by their alias alone: left to Drizzle. */
const IS_ALIAS = Symbol.for('drizzle:IsAlias')

/**
 * A query's text and parameters, as Drizzle's PostgreSQL dialect renders them (`$1`, `$2`, ...).
 *
 * The package's own statements are built from a few kinds of pieces: `sql` templates, their text,
 * `sql.identifier`, plain values and the table a declaration names. Those are rendered here in
 * one pass into one array; anything else (an array of values, a column, a subquery, a placeholder,
 * inlined parameters) sends the whole query to Drizzle's renderer, which copies each nested
 * piece's text and parameters into its parent and spreads its options object per level: for the
 * nested selects of a routed bucket read that was a millisecond a call, a quarter of the call
 * (measured with a CPU profile on the 2.29.2 server here; BENCHMARKS.md has the calls).
 */
export function renderQuery(query: SQL): { sql: string; params: unknown[] } {
  const text: string[] = []
  const params: unknown[] = []
  return render(query, text, params) ? { sql: text.join(''), params } : dialect.sqlToQuery(query)
}

function render(query: SQL, text: string[], params: unknown[]): boolean {
  if ((query as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return false
  for (const chunk of query.queryChunks as unknown[]) {
    if (chunk instanceof StringChunk) {
      for (const part of chunk.value) text.push(part)
    } else if (chunk instanceof SqlClass) {
      if (!render(chunk, text, params)) return false
    } else if (chunk instanceof Name) {
      text.push(quote(chunk.value))
    } else if (chunk === undefined) {
      // Drizzle renders nothing for it.
    } else if (
      chunk === null ||
      typeof chunk === 'string' ||
      typeof chunk === 'number' ||
      typeof chunk === 'boolean' ||
      typeof chunk === 'bigint'
    ) {
      params.push(chunk)
      text.push(`$${params.length}`)
    } else if (chunk instanceof Table && (chunk as unknown as Record<symbol, unknown>)[IS_ALIAS] !== true) {
      const table = chunk as unknown as Record<symbol, string | undefined>
      const schema = table[SCHEMA]
      text.push(schema === undefined ? quote(table[NAME] as string) : `${quote(schema)}.${quote(table[NAME] as string)}`)
    } else {
      return false
    }
  }
  return true
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
