import { describe, expect, test } from 'bun:test'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { ClientFactory } from '../../src/client/index.ts'
import { resolveReplicaOptions } from '../../src/client/replicas/replica-options.ts'
import { ErrorCodes, type TimescaleClientError, ValidationError } from '../../src/errors.ts'
import { closedPort } from '../client/closed-port.ts'

function thrown(fn: () => unknown): TimescaleClientError {
  try {
    fn()
  } catch (error) {
    return error as TimescaleClientError
  }
  throw new Error('expected a throw')
}

async function rejected(promise: Promise<unknown>): Promise<TimescaleClientError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as TimescaleClientError,
  )
}

describe('replica options', () => {
  test('defaults: no replicas, 30 s of lag, a 5 s check interval', () => {
    expect(resolveReplicaOptions()).toEqual({ urls: [], maxLagSeconds: 30, intervalMs: 5000, checkTimeoutMs: 5000 })
    expect(resolveReplicaOptions({ replicas: [' postgres://r1/db '], replicaHealthCheckIntervalMs: 200 })).toMatchObject({
      urls: ['postgres://r1/db'],
      intervalMs: 200,
      checkTimeoutMs: 1000,
    })
  })

  test('a replica that is not a postgres:// URL is refused by its index, never echoed', () => {
    const error = thrown(() => resolveReplicaOptions({ replicas: ['postgres://a/b', 'mysql://u:s3cret@h/db'] }))
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.details.field).toBe('replicas[1]')
    expect(error.message).not.toContain('s3cret')
    expect(thrown(() => resolveReplicaOptions({ replicas: 'postgres://a/b' as never })).details.field).toBe('replicas')
  })

  test('lag bound and check interval are checked numbers', () => {
    expect(thrown(() => resolveReplicaOptions({ maxReplicaLagSeconds: -1 })).details.field).toBe('maxReplicaLagSeconds')
    expect(thrown(() => resolveReplicaOptions({ replicaHealthCheckIntervalMs: Number.NaN })).details.field).toBe(
      'replicaHealthCheckIntervalMs',
    )
  })

  test('fromConnectionString refuses a bad replica before connecting anywhere', async () => {
    const error = await rejected(ClientFactory.fromConnectionString(`postgres://u:p@127.0.0.1:${closedPort()}/db`, { replicas: ['nope'] }))
    expect(error.code).toBe(ErrorCodes.VALIDATION)
    expect(error.details.field).toBe('replicas[0]')
  })

  test('fromDrizzle and embedded refuse replicas (use withReplicas on your own databases)', async () => {
    const sql = postgres(`postgres://u:p@127.0.0.1:${closedPort()}/db`)
    try {
      const error = await rejected(ClientFactory.fromDrizzle(drizzle(sql), { replicas: ['postgres://r/db'] }))
      expect(error.details.field).toBe('replicas')
      expect(error.message).toContain('withReplicas')
    } finally {
      await sql.end()
    }
    expect((await rejected(ClientFactory.embedded({ replicas: [] }))).details.field).toBe('replicas')
  })

  test('without replicas every read goes to the one database, and client.primary is the client', async () => {
    const sql = postgres(`postgres://u:p@127.0.0.1:${closedPort()}/db`)
    await using client = await ClientFactory.fromDrizzle(drizzle(sql))
    expect(client.primary).toBe(client)
    expect(client.routeFor('getRecords')).toEqual({ role: 'primary', host: '127.0.0.1', port: sql.options.port[0] as number })
    expect((await client.healthCheck({ timeoutMs: 2000 })).nodes).toBeUndefined()
    await sql.end()
  })
})
