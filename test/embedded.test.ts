import { expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { createEmbeddedDatabase } from '../src/embedded/index.ts'
import { queryRows } from '../src/internal/query-rows.ts'
import { insertManyRecords } from '../src/repository/index.ts'

test('a persisted embedded database reopens with TimescaleDB working: writes, chunks and the aggregate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dts-embedded-'))
  try {
    const first = await createEmbeddedDatabase({ dataDir: dir })
    await insertManyRecords(first.db, [{ entity_id: 'reopen', time: '2024-01-15T10:00:00Z', value: 1 }])
    await first.close()

    await using second = await createEmbeddedDatabase({ dataDir: dir })
    await insertManyRecords(second.db, [{ entity_id: 'reopen', time: '2024-01-16T10:00:00Z', value: 3 }])
    const [row] = await queryRows<{ n: number; chunks: number; hours: number }>(
      second.db,
      sql`select (select count(*)::int from time_series_data where entity_id = 'reopen') as n,
                 (select count(*)::int from show_chunks('time_series_data')) as chunks,
                 (select count(*)::int from hourly_metrics where entity_id = 'reopen') as hours`,
    )
    expect(row).toEqual({ n: 2, chunks: 2, hours: 2 })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
