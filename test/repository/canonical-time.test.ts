import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import { validateTime } from '../../src/validation/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

// Strings whose canonical form must equal PostgreSQL's own reading of them.
const inputs = [
  '2024-01-15T10:30:00.123456Z',
  '2024-01-15T10:30:00.1234565Z',
  '2024-01-15T10:30:00.1234575Z',
  '2024-01-15T10:30:00.1234564999Z',
  '2024-01-15T10:30:00.0000005Z',
  '2024-01-15T10:30:00.0000015Z',
  '2024-01-15T10:30:00.0000025Z',
  '2024-01-15T10:30:00.9999995Z',
  '2024-12-31T23:59:59.99999951Z',
  '2024-01-15T10:30:00.5+05:30',
  '2024-01-15T10:30:00-0930',
  '2024-01-15T10:30:00+14',
  '2024-01-15 10:30:00.000001+00',
  '2024-02-29T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0999-12-31T23:59:59.999999Z',
  '9999-12-31T23:59:59.999999Z',
]

for (const target of targets) {
  describe(`canonical time text on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t.close())

    test('equals what PostgreSQL makes of the same string, including sub-microsecond rounding', async () => {
      for (const input of inputs) {
        const [row] = await queryRows<{ text: string }>(
          t.db,
          sql`select to_char(${input}::text::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as text`,
        )
        expect([input, validateTime(input, 'time')]).toEqual([input, String(row?.text)])
      }
    })

    test('the canonical text is read back unchanged', async () => {
      for (const input of inputs) {
        const canonical = validateTime(input, 'time')
        const [row] = await queryRows<{ text: string }>(
          t.db,
          sql`select to_char(${canonical}::text::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as text`,
        )
        expect(row?.text).toBe(canonical)
      }
    })
  })
}
