import type { ConnectionOptions } from '../client/client-types.ts'
import { sslOption } from './ssl-mode.ts'

/**
 * Takes libpq's TLS parameters out of a connection string where postgres.js does not read them
 * the way libpq does: `sslrootcert=<file>` (postgres.js would send it to the server as a setting)
 * and `sslmode=verify-ca` (postgres.js does not know it). Returns the URL without them and the
 * `ssl` option they mean ({@link sslOption}); a URL with neither comes back as it was.
 *
 * @example
 * ```ts
 * sslFromUrl('postgres://app@db/metrics?sslmode=verify-full&sslrootcert=/etc/ssl/ca.crt')
 * // { url: 'postgres://app@db/metrics', ssl: { ca: '-----BEGIN CERTIFICATE-----...', rejectUnauthorized: true } }
 * ```
 */
export function sslFromUrl(url: string): { url: string; ssl?: ConnectionOptions['ssl'] } {
  const at = url.indexOf('?')
  if (at < 0) return { url }
  const params = new URLSearchParams(url.slice(at + 1))
  const mode = params.get('sslmode') ?? undefined
  const rootCert = params.get('sslrootcert') ?? undefined
  if (rootCert === undefined && mode !== 'verify-ca') return { url }
  if (rootCert === 'system' && mode === undefined) return { url }
  params.delete('sslrootcert')
  params.delete('sslmode')
  const rest = params.toString()
  return { url: url.slice(0, at) + (rest ? `?${rest}` : ''), ssl: sslOption(mode ?? 'prefer', rootCert) }
}
