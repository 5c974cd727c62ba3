import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { migrate } from '../src/migrate.ts'
import { log } from './timing.ts'

/** A scratch database on the native server, migrated with the package's `migrate(db)`. */
export interface ScratchDatabase {
  name: string
  url: string
  /** A postgres.js pool on it (max 8 connections). */
  sql: postgres.Sql
}

/** The native server of a run: its URL, versions, and scratch databases dropped by `close()`. */
export interface NativeServer {
  url: string
  versions: Record<string, string>
  scratch(slot: string): Promise<ScratchDatabase>
  close(): Promise<void>
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** The URL to use: the flag, else the environment (both in `given`), else the project's start script. */
function serverUrl(given: string | undefined, edition: 'apache' | 'tsl'): string {
  if (given) return given
  log(`starting the native server (${edition}) with scripts/native-db-start.sh`)
  const script = resolve(import.meta.dir, '../scripts/native-db-start.sh')
  const env = { ...process.env, TSDB_NATIVE_EDITION: edition }
  const run = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env })
  const url = run.stdout.trim().split('\n').at(-1)
  if (run.status !== 0 || !url?.startsWith('postgres')) throw new Error(`scripts/native-db-start.sh failed (exit ${run.status})`)
  return url
}

/**
 * Opens a native server; scratch databases are named `bench_<run>_<slot>`, migrated with the
 * package's jobs paused (a scheduler would otherwise drop the 2024 data past the 1-year retention
 * and compress it while it is measured).
 */
export async function openNativeServer(given: string | undefined, edition: 'apache' | 'tsl' = 'apache'): Promise<NativeServer> {
  const url = serverUrl(given, edition)
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  const run = `${process.pid}_${Date.now().toString(36)}`
  const made: ScratchDatabase[] = []
  const [server] = await admin`select current_setting('server_version') as postgres,
    (select default_version from pg_available_extensions where name = 'timescaledb') as timescaledb`
  const versions: Record<string, string> = { postgres: String(server?.postgres), timescaledb: String(server?.timescaledb) }
  return {
    url,
    versions,
    async scratch(slot) {
      const name = `bench_${run}_${slot.replace(/[^a-z0-9]/g, '_')}`
      await admin.unsafe(`create database ${name}`)
      const dbUrl = withDatabase(url, name)
      const sql = postgres(dbUrl, { max: 8, onnotice: () => {} })
      const scratch = { name, url: dbUrl, sql }
      made.push(scratch)
      await migrate(drizzle(sql), { pauseJobs: true })
      if (!versions.license) {
        const [row] = await sql`select current_setting('timescaledb.license', true) as license,
          (select extversion from pg_extension where extname = 'timescaledb') as version`
        versions.license = String(row?.license)
        versions.timescaledb = String(row?.version)
      }
      return scratch
    },
    async close() {
      for (const db of made) {
        await db.sql.end({ timeout: 5 }).catch(() => {})
        await admin.unsafe(`drop database if exists ${db.name} with (force)`).catch(() => {})
      }
      await admin.end({ timeout: 5 })
    },
  }
}
