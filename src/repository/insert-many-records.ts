import { type SQL, sql } from 'drizzle-orm'
import { floatArrayLiteral, textArrayLiteral } from '../internal/pg-array-literal.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { BatchResult, InsertManyOptions, TimeSeriesRecord } from '../types.ts'
import { type ValidRecord, batchValidationError, checkRecords, validateInsertManyOptions } from '../validation/index.ts'
import { upsertOnConflict } from './stored-record.ts'

/**
 * Writes any number of records with upsert semantics, in one transaction.
 *
 * Each chunk (`chunkSize`, default 10,000 rows) is one `INSERT ... SELECT * FROM unnest(...)`
 * statement with one array parameter per column, so batch size never meets PostgreSQL's 65,535
 * bind-parameter limit. Records with the same `(entity_id, time)` (times compared as instants:
 * `10:30+01:00` equals `09:30Z`) are collapsed first, the last one winning, and counted in
 * `duplicates`.
 *
 * By default the whole batch is validated first and, if any record is invalid, a `ValidationError`
 * is thrown and nothing is written. With `skipInvalid: true` the valid records are written and the
 * invalid ones reported in `errors`. An empty array returns zeros without touching the database.
 * Not retried: it may run inside the caller's transaction (chunks then run in a savepoint).
 *
 * @throws {ValidationError} `details.index`, `details.field` of the first invalid record,
 *   `details.errors` (up to 100 `RecordError`s) and `details.invalidCount`.
 * @example
 * ```ts
 * const result = await insertManyRecords(db, [
 *   { entity_id: 'server_prod_01', time: '2024-01-15T10:30:00Z', value: 75.2, value2: 8.1 },
 *   { entity_id: 'server_prod_01', time: '2024-01-15T10:31:00Z', value: 71.9, value2: 8.0 },
 * ])
 * result.written // 2
 * ```
 * @see https://docs.timescale.com/use-timescale/latest/write-data/upsert/
 */
export async function insertManyRecords(
  db: AnyPgDatabase,
  records: readonly TimeSeriesRecord[],
  options?: InsertManyOptions,
): Promise<BatchResult> {
  const started = performance.now()
  const { skipInvalid, chunkSize } = validateInsertManyOptions(options)
  const { valid, errors } = checkRecords(records)
  if (errors.length > 0 && !skipInvalid) throw batchValidationError(errors)

  const unique = new Map<string, ValidRecord>()
  // entity_id cannot contain U+0000 (validated), so it separates the two parts of the key.
  for (const record of valid) unique.set(`${record.entity_id}\u0000${record.time}`, record)
  const rows = [...unique.values()]
  const statements: SQL[] = []
  for (let start = 0; start < rows.length; start += chunkSize) statements.push(upsertChunk(rows.slice(start, start + chunkSize)))

  try {
    if (statements.length === 1) await db.execute(statements[0] as SQL)
    else if (statements.length > 1) {
      await db.transaction(async (tx) => {
        for (const statement of statements) await tx.execute(statement)
      })
    }
  } catch (error) {
    throw toTimescaleError(error, { operation: 'insertManyRecords' })
  }
  return {
    total: records.length,
    written: rows.length,
    duplicates: valid.length - rows.length,
    failed: errors.length,
    errors,
    durationMs: performance.now() - started,
  }
}

function upsertChunk(rows: readonly ValidRecord[]): SQL {
  const column = <K extends keyof ValidRecord>(key: K) => rows.map((r) => r[key])
  return sql`insert into time_series_data (time, entity_id, value, value2, value3, value4, metadata)
    select * from unnest(
      ${textArrayLiteral(column('time'))}::text::timestamptz[],
      ${textArrayLiteral(column('entity_id'))}::text::text[],
      ${floatArrayLiteral(column('value'))}::text::float8[],
      ${floatArrayLiteral(column('value2'))}::text::float8[],
      ${floatArrayLiteral(column('value3'))}::text::float8[],
      ${floatArrayLiteral(column('value4'))}::text::float8[],
      ${textArrayLiteral(column('metadata'))}::text::jsonb[]
    ) ${upsertOnConflict}`
}
