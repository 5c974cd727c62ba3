import { drizzle as pgliteDrizzle } from 'drizzle-orm/pglite'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { ClientFactory } from '../../src/client/index.ts'
import { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import type { BenchOptions } from '../bench-options.ts'
import type { NativeServer } from '../native-server.ts'
import type { Comparison } from '../results.ts'
import { declaredTable } from './declared-table.ts'

/** The declared-table comparisons on a native server: ours on the package's pool, the hand-written side on a plain postgres.js pool. */
export async function nativeDeclared(server: NativeServer, o: BenchOptions, database: 'native' | 'native-tsl'): Promise<Comparison[]> {
  const scratch = await server.scratch('declared')
  const client = await ClientFactory.fromConnectionString(scratch.url, { maxConnections: 2 })
  const plain = postgres(scratch.url, { max: 2, onnotice: () => {} })
  try {
    return await declaredTable(
      {
        database,
        db: client.db as unknown as AnyPgDatabase,
        userDb: drizzle(plain) as unknown as AnyPgDatabase,
        query: async (text, params) => [...(await plain.unsafe(text, (params ?? []) as never[]))] as Record<string, unknown>[],
        copy: async (text) => {
          const writable = await plain.unsafe('copy bench_readings (device, time, temperature, humidity) from stdin').writable()
          await new Promise<void>((resolve, reject) => {
            writable.on('error', reject)
            writable.on('finish', resolve)
            writable.end(text)
          })
        },
        tsl: server.versions.license === 'timescale',
      },
      {
        ingestRows: o.declaredRows,
        devices: o.declaredDevices,
        days: o.declaredDays,
        denseDays: o.smoke ? 3 : 180,
        repeats: Math.min(o.repeats, 5),
        ingestRepeats: Math.min(o.repeats, 5),
      },
    )
  } finally {
    await client.close()
    await plain.end({ timeout: 5 })
  }
}

/** The same on the embedded database (one connection: ours and the hand-written side share it). */
export async function embeddedDeclared(o: BenchOptions): Promise<Comparison[]> {
  const tsdb = await createEmbeddedDatabase({ migrate: false })
  try {
    await tsdb.pglite.exec('create extension if not exists timescaledb')
    return await declaredTable(
      {
        database: 'embedded',
        db: tsdb.db as unknown as AnyPgDatabase,
        userDb: pgliteDrizzle(tsdb.pglite) as unknown as AnyPgDatabase,
        query: async (text, params) => (await tsdb.pglite.query<Record<string, unknown>>(text, params ?? [])).rows,
        copy: async (text) => {
          await tsdb.pglite.query(`copy bench_readings (device, time, temperature, humidity) from '/dev/blob'`, [], {
            blob: new Blob([text]),
          })
        },
        tsl: true,
      },
      {
        ingestRows: Math.max(1, Math.floor(o.declaredRows / 4)),
        devices: Math.max(2, Math.floor(o.declaredDevices / 2)),
        days: Math.min(o.declaredDays, 2),
        denseDays: o.smoke ? 3 : 180,
        repeats: Math.min(o.repeats, 5),
        // A round is 2 s here, and the WASM database's speed drifts within a run: more rounds for the median.
        ingestRepeats: o.repeats,
      },
    )
  } finally {
    await tsdb.close()
  }
}
