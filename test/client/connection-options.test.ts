import { describe, expect, test } from 'bun:test'
import { connectionFromEnvironment } from '../../src/client/connection-from-environment.ts'
import { toPostgresOptions } from '../../src/client/connection-options.ts'
import { ValidationError } from '../../src/errors.ts'

function fieldOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return (error as ValidationError).details.field
  }
  throw new Error('expected a ValidationError')
}

describe('toPostgresOptions', () => {
  test('defaults are the design: 10 connections, 3600 s lifetime, no idle timeout, 30 s to connect', () => {
    const { onnotice, ...options } = toPostgresOptions({})
    expect(options).toEqual({
      max: 10,
      max_lifetime: 3600,
      idle_timeout: 0,
      connect_timeout: 30,
      connection: { plan_cache_mode: 'force_custom_plan' },
    })
    expect(typeof onnotice).toBe('function')
  })

  test('design names map to postgres.js names', () => {
    const { onnotice: _, ...options } = toPostgresOptions({
      maxConnections: 3,
      maxLifetime: 60,
      idleTimeout: 20,
      connectTimeout: 2,
      ssl: 'require',
    })
    expect(options).toEqual({
      max: 3,
      max_lifetime: 60,
      idle_timeout: 20,
      connect_timeout: 2,
      ssl: 'require',
      connection: { plan_cache_mode: 'force_custom_plan' },
    })
  })

  test('ssl is left to the connection string when not given, and so are keys its query sets', () => {
    const options = toPostgresOptions({}, new Set(['connect_timeout', 'ssl']))
    expect('ssl' in options).toBe(false)
    expect('connect_timeout' in options).toBe(false)
    expect(toPostgresOptions({ connectTimeout: 4 }, new Set(['connect_timeout'])).connect_timeout).toBe(4)
    expect('connection' in toPostgresOptions({}, new Set(['plan_cache_mode']))).toBe(false)
  })

  test('each invalid option is a ValidationError naming it', () => {
    expect(fieldOf(() => toPostgresOptions({ maxConnections: 0 }))).toBe('maxConnections')
    expect(fieldOf(() => toPostgresOptions({ maxConnections: 2.5 }))).toBe('maxConnections')
    expect(fieldOf(() => toPostgresOptions({ maxLifetime: -1 }))).toBe('maxLifetime')
    expect(fieldOf(() => toPostgresOptions({ idleTimeout: Number.POSITIVE_INFINITY }))).toBe('idleTimeout')
    expect(fieldOf(() => toPostgresOptions({ connectTimeout: 0 }))).toBe('connectTimeout')
    expect(fieldOf(() => toPostgresOptions({ connectTimeout: '5' as unknown as number }))).toBe('connectTimeout')
    expect(fieldOf(() => toPostgresOptions({ ssl: 'sometimes' as 'require' }))).toBe('ssl')
  })
})

describe('connectionFromEnvironment', () => {
  test('DATABASE_URL wins over the PG* variables', () => {
    expect(connectionFromEnvironment({ DATABASE_URL: 'postgres://a@h/db', PGHOST: 'other' })).toEqual({
      url: 'postgres://a@h/db',
    })
  })

  test('reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE', () => {
    const env = { PGHOST: 'db', PGPORT: '6543', PGDATABASE: 'metrics', PGUSER: 'app', PGPASSWORD: 'pw', PGSSLMODE: 'require' }
    expect(connectionFromEnvironment(env)).toEqual({
      config: { host: 'db', port: 6543, database: 'metrics', username: 'app', password: 'pw', ssl: 'require' },
    })
  })

  test('PGSSLMODE disable turns TLS off; verify-ca verifies the chain but not the host name', () => {
    expect(connectionFromEnvironment({ PGHOST: 'db', PGSSLMODE: 'disable' })).toEqual({ config: { host: 'db', ssl: false } })
    const { config } = connectionFromEnvironment({ PGHOST: 'db', PGSSLMODE: 'verify-ca' }) as { config: { ssl: object } }
    expect(config.ssl).toMatchObject({ rejectUnauthorized: true })
  })

  test('nothing set, a bad PGPORT or a bad PGSSLMODE is a ValidationError naming the variable', () => {
    expect(fieldOf(() => connectionFromEnvironment({}))).toBe('DATABASE_URL')
    expect(fieldOf(() => connectionFromEnvironment({ DATABASE_URL: '  ' }))).toBe('DATABASE_URL')
    expect(fieldOf(() => connectionFromEnvironment({ PGPORT: 'abc' }))).toBe('PGPORT')
    expect(fieldOf(() => connectionFromEnvironment({ PGPORT: '70000' }))).toBe('PGPORT')
    expect(fieldOf(() => connectionFromEnvironment({ PGHOST: 'db', PGSSLMODE: 'yes' }))).toBe('PGSSLMODE')
  })
})
