import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from '../client/client-types.ts'
import { invalid } from '../validation/invalid.ts'

/** libpq's `sslmode` values. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const

/**
 * postgres.js's `ssl` option for a libpq `sslmode` and, optionally, `sslrootcert` (a file with
 * the CA certificates to trust instead of the system's), as libpq reads them:
 * - `disable`: no TLS; `allow`, `prefer`: TLS when the server offers it, unverified;
 * - `require`: TLS, unverified, unless a root certificate is given: then, as in libpq, the
 *   server's certificate must be signed by it (`verify-ca`);
 * - `verify-ca`: the certificate must be signed by a trusted CA; `verify-full`: and name the host.
 * `sslrootcert=system` trusts the system's CAs (libpq 16's spelling).
 *
 * @throws {ValidationError} for another mode, or a root certificate file that cannot be read
 *   (`details.field` is `fields.mode` or `fields.rootCert`).
 * @example
 * ```ts
 * sslOption('verify-full', '/etc/ssl/my-ca.crt') // { ca: '-----BEGIN CERTIFICATE-----...', rejectUnauthorized: true }
 * ```
 * @see https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION
 */
export function sslOption(
  mode: string,
  rootCert: string | undefined,
  fields: { mode: string; rootCert: string } = { mode: 'sslmode', rootCert: 'sslrootcert' },
): NonNullable<ConnectionOptions['ssl']> {
  const m = mode.trim()
  if (!(SSL_MODES as readonly string[]).includes(m)) {
    throw invalid(fields.mode, `must be one of ${SSL_MODES.join(', ')}`)
  }
  if (m === 'disable') return false
  const system = rootCert?.trim() === 'system'
  const ca = rootCert && !system ? readRootCert(rootCert, fields.rootCert) : undefined
  if (m === 'allow' || m === 'prefer' || (m === 'require' && ca === undefined)) return m
  // libpq's verify-ca checks the chain but not the host name.
  const anyHost = { checkServerIdentity: () => undefined }
  if (ca === undefined) return m === 'verify-full' ? 'verify-full' : { rejectUnauthorized: true, ...anyHost }
  return m === 'verify-full' ? { ca, rejectUnauthorized: true } : { ca, rejectUnauthorized: true, ...anyHost }
}

function readRootCert(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw invalid(field, `names a root certificate file that cannot be read: ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}
