import { sql } from 'drizzle-orm'
import { utcText } from '../internal/iso-time.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/** The server and its TimescaleDB, as the catalog readers need them. */
export interface ServerInfo {
  postgresVersion: string
  /** `extversion` of the extension in this database (`2.29.2`, `2.23.0-dev`), `null` without it. */
  timescaledbVersion: string | null
  /** `[major, minor, patch]` of {@link timescaledbVersion}, for feature checks. */
  version: readonly [number, number, number] | null
  /** `timescale` (full license), `apache`, or `null` when the extension is not loaded. */
  license: string | null
  /** The server's `now()`, ISO 8601 UTC. */
  now: string
  /** The session's role (`current_user`). */
  user: string
}

/**
 * Reads the PostgreSQL and TimescaleDB versions, the license and the server's clock.
 *
 * @example
 * ```ts
 * const server = await readServerInfo(db)
 * if (versionAtLeast(server, 2, 18)) { ... }
 * ```
 */
export async function readServerInfo(db: AnyPgDatabase): Promise<ServerInfo> {
  const [row] = await queryRows<{ pg: string; ts: string | null; license: string | null; now: string; user: string }>(
    db,
    sql`select current_setting('server_version') as pg,
               (select extversion from pg_extension where extname = 'timescaledb') as ts,
               current_setting('timescaledb.license', true) as license,
               ${utcText(sql`now()`)} as now, current_user::text as user`,
  )
  const ts = row?.ts ?? null
  const parts = ts?.match(/^(\d+)\.(\d+)\.(\d+)/)
  return {
    postgresVersion: row?.pg ?? 'unknown',
    timescaledbVersion: ts,
    version: parts ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : null,
    license: row?.license ?? null,
    now: row?.now ?? new Date().toISOString(),
    user: row?.user ?? 'unknown',
  }
}

/** True when the server's TimescaleDB is `major.minor` or newer. */
export function versionAtLeast(server: ServerInfo, major: number, minor: number): boolean {
  const v = server.version
  return v !== null && (v[0] > major || (v[0] === major && v[1] >= minor))
}
