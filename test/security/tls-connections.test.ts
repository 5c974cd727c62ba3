/*
 * TLS and SCRAM, on a server that accepts nothing else (scripts/native-db-secure.sh): every
 * factory connects encrypted with sslmode=require and verify-full; a wrong CA, a host name the
 * certificate does not name, a server without TLS and a wrong password are refused with typed
 * errors, after one attempt, and the password appears in no error, health check or CLI output.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { createId } from '@paralleldrive/cuid2'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { ClientFactory, ConnectionError, type TimescaleClient } from '../../src/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { migrate } from '../../src/migrate.ts'
import { cliEnv, runCli } from '../cli/cli-harness.ts'
import { targets } from '../support/targets.ts'
import { type SecureServer, secureServerUnavailable, startSecureServer, uniquePassword } from './secure-server.ts'

const unavailable = secureServerUnavailable()
if (unavailable) console.log(`[security] TLS tests skipped: ${unavailable}`)

type Factory = 'fromConnectionString' | 'fromConfig' | 'fromEnvironment'
const FACTORIES: Factory[] = ['fromConnectionString', 'fromConfig', 'fromEnvironment']
const NO_RETRY_WAIT = { connectTimeout: 10, maxRetries: 3, baseDelayMs: 10 }

/** Everything an error carries, as text: message, details, stack, and each cause's. */
function everything(error: unknown): string {
  const parts: string[] = []
  for (let e: unknown = error, depth = 0; e && depth < 10; depth++) {
    const x = e as { message?: unknown; stack?: unknown; details?: unknown; cause?: unknown }
    parts.push(String(x.message), String(x.stack), JSON.stringify(x.details ?? null), String(e))
    e = x.cause
  }
  return parts.join('\n')
}

describe.skipIf(unavailable !== undefined)('TLS and SCRAM on the secure server', () => {
  let s: SecureServer
  const role = `dts_tls_${createId().slice(0, 10)}`
  // A migrated database of its own, so that a health check over TLS is fully healthy.
  const database = role
  const password = uniquePassword('tls')

  /** A client through `factory`, with libpq-style TLS settings. */
  async function open(
    factory: Factory,
    tls: { mode: string; ca?: string; host?: string; password?: string },
  ): Promise<TimescaleClient<AnyPgDatabase>> {
    const host = tls.host ?? 'localhost'
    const pw = tls.password ?? password
    if (factory === 'fromConnectionString') {
      const query = `sslmode=${tls.mode}${tls.ca ? `&sslrootcert=${encodeURIComponent(tls.ca)}` : ''}`
      return ClientFactory.fromConnectionString(s.url(role, pw, database, query, host), NO_RETRY_WAIT)
    }
    if (factory === 'fromConfig') {
      const ssl = tls.ca ? { ca: readFileSync(tls.ca, 'utf8') } : (tls.mode as 'require')
      return ClientFactory.fromConfig({ host, port: s.port, database, username: role, password: pw, ssl }, NO_RETRY_WAIT)
    }
    const saved = { ...process.env }
    try {
      delete process.env.DATABASE_URL
      Object.assign(process.env, {
        PGHOST: host,
        PGPORT: String(s.port),
        PGDATABASE: database,
        PGUSER: role,
        PGPASSWORD: pw,
        PGSSLMODE: tls.mode,
      })
      if (tls.ca) process.env.PGSSLROOTCERT = tls.ca
      else delete process.env.PGSSLROOTCERT
      return await ClientFactory.fromEnvironment(NO_RETRY_WAIT)
    } finally {
      for (const key of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE', 'PGSSLROOTCERT']) delete process.env[key]
      Object.assign(process.env, saved)
    }
  }

  async function encrypted(client: TimescaleClient<AnyPgDatabase>): Promise<boolean> {
    const rows = (await client.db.execute(sql`select ssl from pg_stat_ssl where pid = pg_backend_pid()`)) as unknown as { ssl: boolean }[]
    return rows[0]?.ssl === true
  }

  async function refusal(factory: Factory, tls: Parameters<typeof open>[1]): Promise<ConnectionError> {
    const error = await open(factory, tls).then(
      async (client) => {
        await client.close()
        throw new Error(`${factory} connected`)
      },
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ConnectionError)
    expect(everything(error)).not.toContain(password)
    return error as ConnectionError
  }

  beforeAll(async () => {
    s = await startSecureServer()
    await s.admin.unsafe(`create role "${role}" login password '${password}'`)
    await s.admin.unsafe(`create database "${database}"`)
    const pool = postgres(s.url('postgres', 'postgres', database, 'sslmode=require'), { max: 1, onnotice: () => {} })
    await migrate(drizzle(pool), { pauseJobs: true }).finally(() => pool.end())
  }, 60_000)
  afterAll(async () => {
    await s?.admin.unsafe(`drop database if exists "${database}" with (force)`)
    await s?.admin.unsafe(`drop role if exists "${role}"`)
    await s?.admin.end({ timeout: 5 })
  })

  test('the server takes only TLS with SCRAM: the role has a SCRAM verifier, a plain connection is refused by pg_hba.conf', async () => {
    const [row] = await s.admin`select rolpassword like 'SCRAM-SHA-256$%' as scram from pg_authid where rolname = ${role}`
    expect(row?.scram).toBe(true)
    const error = await refusal('fromConnectionString', { mode: 'disable' })
    expect(error.code).toBe('AUTHENTICATION_ERROR')
    expect(error.message).toContain('no encryption')
  })

  for (const factory of FACTORIES) {
    test(`${factory}: sslmode=require connects encrypted; the health check says so and holds no password`, async () => {
      await using client = await open(factory, { mode: 'require' })
      expect(await encrypted(client)).toBe(true)
      const health = await client.healthCheck()
      expect(health.isHealthy).toBe(true)
      expect(health.connection.ssl).toBe(true)
      expect(JSON.stringify(health)).not.toContain(password)
    })

    test(`${factory}: verify-full with the server's CA connects encrypted`, async () => {
      await using client = await open(factory, { mode: 'verify-full', ca: s.caFile })
      expect(await encrypted(client)).toBe(true)
    })

    test(`${factory}: verify-full with another CA is refused: TLS_ERROR, one attempt`, async () => {
      const error = await refusal(factory, { mode: 'verify-full', ca: s.otherCaFile })
      expect(error.code).toBe('TLS_ERROR')
      expect(error.message).toMatch(/TLS: .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/)
      expect(error.details.attempts).toBe(1)
    })

    test(`${factory}: verify-full to a host name the certificate does not name (127.0.0.2) is refused; require connects`, async () => {
      const error = await refusal(factory, { mode: 'verify-full', ca: s.caFile, host: '127.0.0.2' })
      expect(error.code).toBe('TLS_ERROR')
      expect(error.message).toMatch(/TLS: .*127\.0\.0\.2.*\(ERR_TLS_CERT_ALTNAME_INVALID\)/)
      expect(error.details.attempts).toBe(1)
      await using unverified = await open(factory, { mode: 'require', host: '127.0.0.2' })
      expect(await encrypted(unverified)).toBe(true)
    })

    test(`${factory}: a wrong password is AUTHENTICATION_ERROR after one attempt, and the password is in no part of it`, async () => {
      const wrong = uniquePassword('wrong')
      const error = await refusal(factory, { mode: 'require', password: wrong })
      expect(error.code).toBe('AUTHENTICATION_ERROR')
      expect(error.details.attempts).toBe(1)
      expect(error.message).toContain(`password authentication failed for user "${role}"`)
      expect(everything(error)).not.toContain(wrong)
    })
  }

  test('a server without TLS is refused when TLS is required', async () => {
    const plain = targets.find((t) => t.kind === 'native')?.url as string
    const url = new URL(plain)
    url.searchParams.set('sslmode', 'require')
    const error = await ClientFactory.fromConnectionString(url.toString(), NO_RETRY_WAIT).then(
      async (client) => {
        await client.close()
        throw new Error('connected without TLS')
      },
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).code).toBe('TLS_ERROR')
    expect((error as ConnectionError).message).toContain('TLS')
    expect((error as ConnectionError).details.attempts).toBe(1)
  })

  test('the CLI over verify-full: status degrades for a role without grants, query is refused; no output holds the password; a wrong password exits 1 with one line without it', async () => {
    const query = `sslmode=verify-full&sslrootcert=${encodeURIComponent(s.caFile)}`
    const good = cliEnv({ DATABASE_URL: s.url(role, password, database, query) })
    const status = await runCli(['status'], good)
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(
      new RegExp(
        `^TimescaleDB 2\\.29\\.\\d+ \\(license: timescale\\) on PostgreSQL 17\\.\\d+.*, server ${role}@localhost:${s.port}/${database}$`,
        'm',
      ),
    )
    // A role with no grants on the package's tables: status degrades with a note instead of failing.
    expect(status.stdout).toContain(`Connected as ${role}, without SELECT on public.hourly_metrics and public.time_series_data`)
    // Reading records needs SELECT: refused by the server, one line, typed, no password.
    const query2 = await runCli(['query', 'nobody', '--from', '2024-01-01T00:00:00Z', '--to', '2024-01-02T00:00:00Z'], good)
    expect(query2.code).toBe(1)
    expect(query2.stderr).toMatch(
      /^drizzle-timescale: getTimeBuckets failed: permission denied for (table time_series_data|materialized view hourly_metrics)\n$/,
    )
    const json = await runCli(['status', '--json'], good)
    expect(json.code).toBe(0)
    for (const run of [status, json, query2]) expect(run.stdout + run.stderr).not.toContain(password)
    const wrong = uniquePassword('cli-wrong')
    const bad = await runCli(['status'], cliEnv({ DATABASE_URL: s.url(role, wrong, database, query) }))
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toContain('password authentication failed')
    expect(bad.stdout + bad.stderr).not.toContain(wrong)
  })
})
