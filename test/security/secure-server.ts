/*
 * The TLS + SCRAM server of the security tests: scripts/native-db-secure.sh's cluster in the
 * full-license chroot (started by a test file's setup, left running for the next file; the
 * chroot's stop script stops it). Roles and databases made here have names of their own per run
 * and are dropped at the end.
 */

import { join } from 'node:path'
import { createId } from '@paralleldrive/cuid2'
import postgres from 'postgres'
import { targets } from '../support/targets.ts'

const SCRIPTS = join(import.meta.dir, '..', '..', 'scripts')

/** Why the secure server cannot run here, or `undefined` when it can. */
export function secureServerUnavailable(): string | undefined {
  if (!targets.some((t) => t.kind === 'native' && t.license === 'timescale')) return 'no full-license native server in TIMESCALEDB_URL'
  if (process.getuid?.() !== 0) return 'the secure server needs root (chroot)'
  return undefined
}

export interface SecureServer {
  /** `localhost:port`. */
  hostPort: string
  port: number
  /** The superuser, over TLS (`sslmode=require`). */
  admin: postgres.Sql
  /** The CA that signed the server's certificate, and one that signed nothing. */
  caFile: string
  otherCaFile: string
  /** `postgres://user:password@host:port/database` with the query given. */
  url(user: string, password: string, database: string, query?: string, host?: string): string
}

async function script(args: string[]): Promise<string> {
  const child = Bun.spawn(['bash', join(SCRIPTS, 'native-db-secure.sh'), ...args], { stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  if (code !== 0) throw new Error(`native-db-secure.sh ${args.join(' ')} failed (exit ${code}):\n${stderr}`)
  return stdout.trim().split('\n').at(-1) as string
}

/** Starts (or reuses) the secure cluster. */
export async function startSecureServer(): Promise<SecureServer> {
  const base = new URL(await script(['start']))
  const port = Number(base.port)
  // Where the script keeps the certificates (it knows the chroot: scripts/lib/native-db-dir.sh).
  const dir = await script(['tls-dir'])
  const url = (user: string, password: string, database: string, query = '', host = 'localhost') =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}${query ? `?${query}` : ''}`
  const admin = postgres(url('postgres', 'postgres', 'postgres', 'sslmode=require'), { max: 1, onnotice: () => {} })
  return { hostPort: `localhost:${port}`, port, admin, caFile: join(dir, 'ca.crt'), otherCaFile: join(dir, 'other-ca.crt'), url }
}

/** A password that appears nowhere else: the tests search every output for it. */
export function uniquePassword(label: string): string {
  return `${label}-${createId()}-Pw`
}
