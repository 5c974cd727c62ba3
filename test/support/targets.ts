/*
 * The databases every integration test runs against: the embedded TimescaleDB always, and each
 * native server of TIMESCALEDB_URL too (one URL, or several separated by commas: CI passes the
 * Apache 2.19.3 server and the full-license 2.29.2 one). Each `open()` gives a fresh database of
 * its own: a new in-memory PGlite, or a new database created on a native server and dropped on
 * close. On a native server the package's jobs are paused after the migration unless the test
 * asks for them running: a test owns its data and its time, and the scheduler of a full-license
 * server would otherwise drop or compress rows dated in the past while the test reads them.
 */
import { createId } from '@paralleldrive/cuid2'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import type { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import { migrate } from '../../src/migrate.ts'
import type * as schema from '../../src/schema/index.ts'
import * as tables from '../../src/schema/index.ts'
import { createTestDatabase } from '../../src/testing/index.ts'

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
  kind: 'embedded' | 'native'
  /** What test titles call it: `embedded`, `native apache 2.19.3`, `native timescale 2.29.2`. */
  name: string
  /** `timescaledb.license` of the target: TSL features exist only with `timescale`. */
  license: string
  /** `extversion` of TimescaleDB on the target, e.g. `2.29.2`. */
  version: string
  /** The server's URL (native targets). */
  url?: string
  /**
   * `jobs: 'running'` leaves the package's policies scheduled (native servers run them on their
   * own); the default pauses them.
   */
  open(options?: { migrate?: boolean; jobs?: 'paused' | 'running' }): Promise<TestDatabase>
}

const embedded: TestTarget = {
  kind: 'embedded',
  name: 'embedded',
  license: 'timescale',
  version: '2.23.0-dev',
  // A clone of a template made once per process (the testing kit's way): a third of a fresh start.
  async open(options = {}) {
    const tsdb = await createTestDatabase({ migrate: options.migrate ?? true })
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
  let version: string
  try {
    await admin.unsafe(`create database "${probeName}"`)
    const probe = postgres(withDatabase(url, probeName), { max: 1, onnotice: () => {} })
    try {
      await probe`create extension if not exists timescaledb`
      const [row] = await probe`select current_setting('timescaledb.license', true) as license,
        (select extversion from pg_extension where extname = 'timescaledb') as version`
      license = String(row?.license)
      version = String(row?.version)
    } finally {
      await probe.end()
    }
  } finally {
    await admin.unsafe(`drop database if exists "${probeName}" with (force)`)
    await admin.end()
  }
  return {
    kind: 'native',
    name: `native ${license} ${version}`,
    license,
    version,
    url,
    async open(options = {}) {
      const name = `dts_test_${createId().slice(0, 12)}`
      const admin = postgres(url, { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database "${name}"`)
      const dbUrl = withDatabase(url, name)
      const notices: string[] = []
      const client = postgres(dbUrl, { max: 4, onnotice: (notice) => notices.push(String(notice.message)) })
      const db = drizzle(client, { schema: tables })
      // Paused in the migration's own transaction: a scheduler never sees them scheduled.
      if (options.migrate ?? true) await migrate(db, { pauseJobs: options.jobs !== 'running' })
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

/** The native servers of this run, in the order given: `TIMESCALEDB_URL=url[,url...]`. */
export const nativeUrls: string[] = (process.env.TIMESCALEDB_URL ?? '')
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean)

/** Every target of this run. */
export const targets: TestTarget[] = [embedded, ...(await Promise.all(nativeUrls.map(nativeTarget)))]

/** The first native target (the suites that need one server of their own use it), if any. */
export const firstNative: TestTarget | undefined = targets.find((t) => t.kind === 'native')

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
