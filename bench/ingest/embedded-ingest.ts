import { ClientFactory } from '../../src/client/index.ts'
import { createTestDatabase } from '../../src/testing/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import type { BenchOptions } from '../bench-options.ts'
import { drizzleNaive, MAX_ROWS_PGLITE } from '../contenders/drizzle-naive.ts'
import { pgliteCopy, pgliteValues } from '../contenders/embedded-contenders.ts'
import { batchesOf, generateRecords } from '../generate-records.ts'
import type { Comparison } from '../results.ts'
import { tableDigest } from '../support/table-digest.ts'
import { fmt } from './native-ingest.ts'
import { type IngestContender, runIngest } from './run-ingest.ts'

/** The main ingest comparison on the embedded database (PGlite: one connection, no COPY FROM STDIN). */
export async function embeddedIngest(o: BenchOptions): Promise<Comparison> {
  const opened: Array<{ close(): Promise<void> }> = []
  const contender = async (
    name: string,
    label: string,
    write: (db: Awaited<ReturnType<typeof createTestDatabase>>, batch: readonly TimeSeriesRecord[]) => Promise<unknown>,
  ): Promise<IngestContender> => {
    const tsdb = await createTestDatabase()
    opened.push(tsdb)
    return {
      name,
      label,
      write: async (batch) => void (await write(tsdb, batch)),
      digest: () => tableDigest(async (text, params) => (await tsdb.pglite.query(text, params)).rows as Record<string, unknown>[]),
    }
  }
  try {
    const records = generateRecords({
      rows: o.embeddedIngestRows,
      entities: o.entities,
      start: Date.parse('2024-01-01T00:00:00Z'),
      stepMs: 10_000,
    })
    const clients = new Map<object, Awaited<ReturnType<typeof ClientFactory.fromDrizzle>>>()
    const ours = async (tsdb: Awaited<ReturnType<typeof createTestDatabase>>) => {
      let client = clients.get(tsdb)
      if (!client) {
        client = await ClientFactory.fromDrizzle(tsdb.db)
        clients.set(tsdb, client)
      }
      return client
    }
    return await runIngest({
      id: 'ingest.embedded',
      database: 'embedded',
      title: `Embedded database: ${fmt(o.embeddedIngestRows)} rows, ${fmt(o.entities)} entities, calls of ${fmt(o.batchSize)} rows`,
      params: { entities: o.entities, batchSize: o.batchSize },
      contenders: [
        await contender('ours', 'insertManyRecords (ours)', async (db, b) => (await ours(db)).insertManyRecords(b)),
        await contender('raw-copy', "raw COPY from PGlite's /dev/blob (no upsert)", (db, b) => pgliteCopy(db.pglite, [b])),
        await contender('drizzle-naive', 'Drizzle insert().values().onConflictDoUpdate()', (db, b) =>
          drizzleNaive(db.db, [b], MAX_ROWS_PGLITE),
        ),
        await contender('design-values', "the design's multi-row VALUES upsert (PGlite)", (db, b) => pgliteValues(db.pglite, [b])),
      ],
      batches: batchesOf(records, o.batchSize),
      expectedRows: o.embeddedIngestRows,
      ratios: [
        ['ours', 'raw-copy'],
        ['ours', 'drizzle-naive'],
        ['ours', 'design-values'],
      ],
    })
  } finally {
    for (const db of opened) await db.close()
  }
}
