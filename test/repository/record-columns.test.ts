/*
 * The write paths take the record's columns from the table object (src/schema): COPY's column
 * list, the upsert's ON CONFLICT clause, the staging table (LIKE the table). The COPY text
 * encoder writes its fields by hand, for speed: this holds it to the table's column order.
 */
import { expect, test } from 'bun:test'
import { getTableColumns } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { copyText } from '../../src/repository/copy-text.ts'
import { COPY_COLUMNS, KEY_COLUMNS, RECORD_COLUMNS, upsertOnConflict } from '../../src/repository/record-columns.ts'
import { timeSeriesShape } from '../../src/repository/time-series-shape.ts'
import { writeTargetOf } from '../../src/repository/write-target.ts'
import { timeSeriesData } from '../../src/schema/index.ts'

test('the columns, the key, the COPY list and the ON CONFLICT clause come from timeSeriesData', () => {
  expect(RECORD_COLUMNS).toEqual(Object.keys(getTableColumns(timeSeriesData)))
  expect(RECORD_COLUMNS).toEqual(['entity_id', 'time', 'value', 'value2', 'value3', 'value4', 'metadata'])
  expect(KEY_COLUMNS).toEqual(['entity_id', 'time'])
  expect(COPY_COLUMNS).toBe('entity_id, time, value, value2, value3, value4, metadata')
  expect(new PgDialect().sqlToQuery(upsertOnConflict).sql).toBe(
    'on conflict ("entity_id", "time") do update set "value" = excluded."value", "value2" = excluded."value2", "value3" = excluded."value3", "value4" = excluded."value4", "metadata" = excluded."metadata"',
  )
})

test("copyText writes one field per column, in the table's order", () => {
  const row = timeSeriesShape.encode({
    entity_id: 'e\t1',
    time: '2024-01-15T10:30:00.123456Z',
    value: 1.5,
    value2: null,
    value3: 3,
    metadata: { note: 'a\nb' },
  })
  const fields = copyText([row], writeTargetOf(timeSeriesShape, [])).replace(/\n$/, '').split('\t')
  expect(fields).toHaveLength(RECORD_COLUMNS.length)
  const at = (column: string) => fields[RECORD_COLUMNS.indexOf(column)]
  expect(at('entity_id')).toBe('e\\t1')
  expect(at('time')).toBe('2024-01-15T10:30:00.123456Z')
  expect([at('value'), at('value2'), at('value3'), at('value4')]).toEqual(['1.5', '\\N', '3', '\\N'])
  expect(at('metadata')).toBe('{"note":"a\\\\nb"}')
})
