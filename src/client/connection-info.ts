import type { HealthCheckResult } from '../client/client-types.ts'

/** Where a client connects: what `healthCheck()` reports as `connection`. Never holds credentials. */
export type ConnectionInfo = HealthCheckResult['connection']

/** The connection info of an embedded (in-process) database. */
export const EMBEDDED_CONNECTION: Readonly<ConnectionInfo> = Object.freeze({ host: 'embedded', port: 0, ssl: false })

/**
 * Reads host, port and TLS setting from a Drizzle database's driver client (`db.$client`):
 * a postgres.js `Sql` (its parsed `options`; several hosts are joined with commas), or a PGlite
 * instance (`embedded`, port 0). Anything else is `unknown`, port 0.
 *
 * @example
 * ```ts
 * connectionInfoOf(postgres('postgres://app:secret@db:5433/metrics')) // { host: 'db', port: 5433, ssl: false }
 * ```
 */
export function connectionInfoOf(client: unknown): ConnectionInfo {
  const options = (client as { options?: { host?: unknown; port?: unknown; path?: unknown; ssl?: unknown } } | null)?.options
  if (typeof client === 'function' && options && Array.isArray(options.host)) {
    const ports = Array.isArray(options.port) ? options.port : []
    return {
      host: typeof options.path === 'string' && options.path ? options.path : options.host.join(','),
      port: Number(ports[0] ?? 5432),
      ssl: options.ssl !== false && options.ssl !== undefined && options.ssl !== null,
    }
  }
  const pglite = client as { exec?: unknown; query?: unknown; waitReady?: unknown } | null
  if (pglite && typeof pglite.exec === 'function' && typeof pglite.query === 'function' && 'waitReady' in pglite) {
    return { ...EMBEDDED_CONNECTION }
  }
  return { host: 'unknown', port: 0, ssl: false }
}
