/*
 * The databases every integration test runs against: the embedded TimescaleDB always, and the
 * native server too when TIMESCALEDB_URL is set. Each `open()` gives a fresh database of its own:
 * a new in-memory PGlite, or a new database created on the native server and dropped on close.
 */
import { createId } from '@paralleldrive/cuid2'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import { migrate } from '../../src/migrate.ts'
import type * as schema from '../../src/schema/index.ts'
import * as tables from '../../src/schema/index.ts'

/** A fresh database for one test file. */
export interface TestDatabase {
  db: PostgresJsDatabase<typeof schema> | Awaited<ReturnType<typeof createEmbeddedDatabase>>['db']
  /** postgres.js URL of this database (native target only). */
  url?: string
  /** Server NOTICE messages received so far (native target only). */
  notices: string[]
  close(): Promise<void>
}

export interface TestTarget {
  name: 'embedded' | 'native'
  /** `timescaledb.license` of the target: TSL features exist only with `timescale`. */
  license: string
  open(options?: { migrate?: boolean }): Promise<TestDatabase>
}

const embedded: TestTarget = {
  name: 'embedded',
  license: 'timescale',
  async open(options = {}) {
    const tsdb = await createEmbeddedDatabase({ migrate: options.migrate ?? true })
    return { db: tsdb.db, notices: [], close: tsdb.close }
  },
}

/** Returns `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

async function nativeTarget(url: string): Promise<TestTarget> {
  // timescaledb.license exists only in a database where the extension is loaded: probe a scratch one.
  const probeName = `dts_probe_${createId().slice(0, 12)}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  let license: string
  try {
    await admin.unsafe(`create database "${probeName}"`)
    const probe = postgres(withDatabase(url, probeName), { max: 1, onnotice: () => {} })
    try {
      await probe`create extension if not exists timescaledb`
      const [row] = await probe`select current_setting('timescaledb.license', true) as license`
      license = String(row?.license)
    } finally {
      await probe.end()
    }
  } finally {
    await admin.unsafe(`drop database if exists "${probeName}" with (force)`)
    await admin.end()
  }
  return {
    name: 'native',
    license,
    async open(options = {}) {
      const name = `dts_test_${createId().slice(0, 12)}`
      const admin = postgres(url, { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database "${name}"`)
      const dbUrl = withDatabase(url, name)
      const notices: string[] = []
      const client = postgres(dbUrl, { max: 4, onnotice: (notice) => notices.push(String(notice.message)) })
      const db = drizzle(client, { schema: tables })
      if (options.migrate ?? true) await migrate(db)
      return {
        db,
        url: dbUrl,
        notices,
        async close() {
          await client.end({ timeout: 5 })
          await admin.unsafe(`drop database if exists "${name}" with (force)`)
          await admin.end({ timeout: 5 })
        },
      }
    },
  }
}

const nativeUrl = process.env.TIMESCALEDB_URL

/** Every target of this run. */
export const targets: TestTarget[] = nativeUrl ? [embedded, await nativeTarget(nativeUrl)] : [embedded]

const reported = new Set<string>()
/** True when the target has the Timescale license; otherwise prints why TSL tests are skipped, once. */
export function hasTsl(target: TestTarget): boolean {
  if (target.license === 'timescale') return true
  if (!reported.has(target.name)) {
    reported.add(target.name)
    console.log(`[${target.name}] timescaledb.license = ${target.license}: tests that need the Timescale license (TSL) are skipped`)
  }
  return false
}
