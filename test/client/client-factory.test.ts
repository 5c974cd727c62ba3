import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { ClientFactory, type TimescaleClient } from '../../src/client/index.ts'
import { createEmbeddedDatabase, type EmbeddedDrizzle } from '../../src/embedded/index.ts'
import { ConnectionError, ErrorCodes, TimescaleClientError, ValidationError } from '../../src/errors.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { entities } from '../../src/schema/index.ts'
import { closedPort } from './closed-port.ts'

const PASSWORD = 's3cr3t-pw'

async function rejection(promise: Promise<unknown>): Promise<TimescaleClientError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  if (!(outcome instanceof TimescaleClientError)) throw new Error(`expected a TimescaleClientError, got ${String(outcome)}`)
  return outcome
}

function expectNoPassword(error: TimescaleClientError) {
  expect(error.message).not.toContain(PASSWORD)
  expect(JSON.stringify(error.details)).not.toContain(PASSWORD)
  expect(String(error.stack)).not.toContain(PASSWORD)
  for (let cause = error.cause; cause; cause = (cause as { cause?: unknown }).cause) {
    expect(String((cause as Error).message ?? cause)).not.toContain(PASSWORD)
  }
}

describe('ClientFactory.embedded', () => {
  let client: TimescaleClient<EmbeddedDrizzle>
  beforeAll(async () => {
    client = await ClientFactory.embedded()
  })
  afterAll(() => client.close())

  test('starts a migrated in-memory TimescaleDB with the full license', async () => {
    const health = await client.healthCheck()
    expect(health).toMatchObject({
      isHealthy: true,
      license: 'timescale',
      // PGlite's single database.
      database: 'template1',
      connection: { host: 'embedded', port: 0, ssl: false },
    })
    expect(health.version).toContain('PostgreSQL 17')
    expect(health.timescaledbVersion).toMatch(/^2\.\d+\.\d+/)
    expect(health.errors).toBeUndefined()
    expect(health.responseTimeMs).toBeGreaterThanOrEqual(0)
    expect(health.timestamp).toBeInstanceOf(Date)
  })

  test('db is the Drizzle database, typed with the schema, for queries of your own', async () => {
    await client.db.insert(entities).values({ entity_id: 'own-query', entity_type: 'sensor' })
    const rows = await client.db.query.entities.findMany({ where: (e, { eq }) => eq(e.entity_id, 'own-query') })
    expect(rows.map((r) => r.entity_type)).toEqual(['sensor'])
  })

  test('invalid options are refused before anything starts', async () => {
    const error = await rejection(ClientFactory.embedded({ maxRetries: -1 }))
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.details.field).toBe('maxRetries')
    expect((await rejection(ClientFactory.embedded({ defaultLimit: 0 }))).details.field).toBe('defaultLimit')
  })
})

describe('closing', () => {
  test('close() is idempotent; afterwards calls throw CLIENT_CLOSED and healthCheck reports it', async () => {
    const client = await ClientFactory.embedded()
    const first = client.close()
    expect(client.close()).toBe(first)
    await first
    await client.close()
    expect(client.closed).toBe(true)
    const range = { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' }
    for (const call of [
      () => client.getRecords('e', range),
      () => client.insertRecord({ entity_id: 'e', time: '2024-01-01T00:00:00Z', value: 1 }),
      () => client.getEntity('e'),
      async () => {
        for await (const _ of client.streamRecords('e', range)) break
      },
      async () => client.db,
    ]) {
      const error = await rejection(call())
      expect(error.code).toBe(ErrorCodes.CLIENT_CLOSED)
    }
    const health = await client.healthCheck()
    expect(health.isHealthy).toBe(false)
    expect(health.errors?.[0]).toContain('CLIENT_CLOSED')
  })

  test('a client whose embedded server is gone reports unhealthy without throwing, and still closes', async () => {
    const client = await ClientFactory.embedded()
    await client.db.$client.close()
    const health = await client.healthCheck()
    expect(health.isHealthy).toBe(false)
    expect(health.errors?.length).toBe(1)
    expect(health.connection).toEqual({ host: 'embedded', port: 0, ssl: false })
    await client.close()
    await client.close()
  })
})

describe('ClientFactory.fromDrizzle', () => {
  test('wraps a database the caller owns and leaves it open on close()', async () => {
    const tsdb = await createEmbeddedDatabase()
    try {
      const client = await ClientFactory.fromDrizzle(tsdb.db, { maxRetries: 1 })
      expect((await client.healthCheck()).connection).toEqual({ host: 'embedded', port: 0, ssl: false })
      await client.close()
      expect(client.closed).toBe(true)
      const [row] = await queryRows<{ one: number }>(tsdb.db, sql`select 1 as one`)
      expect(row?.one).toBe(1)
    } finally {
      await tsdb.close()
    }
  })

  test('refuses something that is not a Drizzle database', async () => {
    const error = await rejection(ClientFactory.fromDrizzle({} as never))
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.details.field).toBe('db')
  })
})

describe('connecting to an unreachable server', () => {
  test('fromConnectionString: ConnectionError naming host and port, never the password', async () => {
    const port = closedPort()
    const started = performance.now()
    const error = await rejection(
      ClientFactory.fromConnectionString(`postgres://app:${PASSWORD}@127.0.0.1:${port}/metrics`, { connectTimeout: 2 }),
    )
    expect(performance.now() - started).toBeLessThan(3000)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.code).toBe(ErrorCodes.CONNECTION)
    expect(error.message).toContain(`app@127.0.0.1:${port}/metrics`)
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.details).toMatchObject({ host: '127.0.0.1', port, database: 'metrics', attempts: 4 })
    expectNoPassword(error)
  })

  test('fromConfig: the same, and maxRetries 0 tries once', async () => {
    const port = closedPort()
    const error = await rejection(
      ClientFactory.fromConfig(
        { host: '127.0.0.1', port, database: 'metrics', username: 'app', password: PASSWORD, connectTimeout: 2 },
        { maxRetries: 0 },
      ),
    )
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.details.attempts).toBe(1)
    expectNoPassword(error)
  })

  test('a server that accepts but never answers fails within connectTimeout', async () => {
    const silent = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    try {
      const started = performance.now()
      const error = await rejection(
        ClientFactory.fromConnectionString(`postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/metrics`, {
          connectTimeout: 1,
          maxRetries: 0,
        }),
      )
      const elapsed = performance.now() - started
      expect(elapsed).toBeGreaterThan(900)
      expect(elapsed).toBeLessThan(2500)
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.details.driverCode).toBe('CONNECT_TIMEOUT')
      expectNoPassword(error)
    } finally {
      silent.stop(true)
    }
  })

  test('fromEnvironment reads DATABASE_URL (and never leaks its password)', async () => {
    const saved = process.env.DATABASE_URL
    process.env.DATABASE_URL = `postgresql://app:${PASSWORD}@127.0.0.1:${closedPort()}/metrics`
    try {
      const error = await rejection(ClientFactory.fromEnvironment({ maxRetries: 0 }))
      expect(error).toBeInstanceOf(ConnectionError)
      expectNoPassword(error)
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL
      else process.env.DATABASE_URL = saved
    }
  })
})

describe('invalid connection strings and configs', () => {
  test.each([
    [`postgres://app:${PASSWORD}@127.0.0.1:notaport/metrics`],
    [`postgres://app:${PASSWORD}@[::1/metrics`],
    [`mysql://app:${PASSWORD}@127.0.0.1/metrics`],
    [`app:${PASSWORD}@127.0.0.1/metrics`],
    [''],
  ])('%p is a ValidationError that does not echo the password', async (url) => {
    const error = await rejection(ClientFactory.fromConnectionString(url))
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.details.field).toBe('connectionString')
    expect(error.cause).toBeUndefined()
    expectNoPassword(error)
  })

  test('each invalid config field is named', async () => {
    const cases: [object, string][] = [
      [{ port: 0 }, 'port'],
      [{ port: 70000 }, 'port'],
      [{ host: 42 }, 'host'],
      [{ password: 1234 }, 'password'],
      [{ maxConnections: -3 }, 'maxConnections'],
      [{ ssl: 'always' }, 'ssl'],
    ]
    for (const [config, field] of cases) {
      const error = await rejection(ClientFactory.fromConfig({ host: '127.0.0.1', ...config } as never))
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.details.field).toBe(field)
      expect(error.message).not.toContain('1234')
    }
  })

  test('fromEnvironment with nothing set says what to set', async () => {
    const names = ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE']
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]))
    for (const n of names) delete process.env[n]
    try {
      const error = await rejection(ClientFactory.fromEnvironment())
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.message).toContain('DATABASE_URL')
    } finally {
      for (const [n, v] of Object.entries(saved)) if (v !== undefined) process.env[n] = v
    }
  })
})

describe('persisted embedded database', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dts-client-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  test('dataDir keeps the data across clients', async () => {
    const first = await ClientFactory.embedded({ dataDir: dir })
    await first.db.insert(entities).values({ entity_id: 'kept', entity_type: 'sensor' })
    await first.close()
    const second = await ClientFactory.embedded({ dataDir: dir })
    try {
      const rows = await second.db.select().from(entities)
      expect(rows.map((r) => r.entity_id)).toEqual(['kept'])
    } finally {
      await second.close()
    }
  })
})
