/*
 * Fault: the server is unreachable at start. A refused port is covered in test/client (fast
 * ECONNREFUSED); here the host answers TCP but never speaks (a hung server, a black-holing
 * firewall) or drops every connection. ClientFactory fails within its connectTimeout with a
 * ConnectionError free of the password; healthCheck on a client whose server went silent reports
 * unhealthy within its timeout instead of throwing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import net from 'node:net'
import { ClientFactory } from '../../src/client/index.ts'
import { ConnectionError, ErrorCodes, type TimescaleClientError } from '../../src/errors.ts'
import { targets } from '../support/targets.ts'
import { bounded, outcome, report } from './support.ts'

const PASSWORD = 's3cr3t-unreachable-pw'
const native = targets.find((t) => t.kind === 'native')

/** A loopback TCP server that accepts connections and then `behaviour`: stays silent, or resets them. */
async function badServer(behaviour: 'silent' | 'reset'): Promise<{ port: number; accepted: () => number; close: () => void }> {
  const sockets = new Set<net.Socket>()
  let accepted = 0
  const server = net.createServer((socket) => {
    accepted++
    socket.on('error', () => {})
    if (behaviour === 'reset') socket.resetAndDestroy()
    else sockets.add(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

function expectNoPassword(error: TimescaleClientError): void {
  expect(error.message).not.toContain(PASSWORD)
  expect(JSON.stringify(error.details)).not.toContain(PASSWORD)
  expect(String(error.stack)).not.toContain(PASSWORD)
  for (let cause = error.cause, depth = 0; cause && depth < 8; cause = (cause as { cause?: unknown }).cause, depth++) {
    expect(String((cause as Error).message ?? cause)).not.toContain(PASSWORD)
    expect(JSON.stringify(cause, Object.getOwnPropertyNames(cause))).not.toContain(PASSWORD)
  }
}

async function timedFailure(connect: () => Promise<unknown>): Promise<{ error: ConnectionError; ms: number }> {
  const started = performance.now()
  const result = await bounded(outcome(connect()), 15_000, 'connecting to an unreachable server')
  const ms = performance.now() - started
  expect(result.ok).toBe(false)
  const error = (result as { error: unknown }).error
  expect(error).toBeInstanceOf(ConnectionError)
  return { error: error as ConnectionError, ms }
}

describe('a server that is unreachable at start', () => {
  let silent: Awaited<ReturnType<typeof badServer>>
  let resetting: Awaited<ReturnType<typeof badServer>>
  beforeAll(async () => {
    silent = await badServer('silent')
    resetting = await badServer('reset')
  }, 60_000)
  afterAll(() => {
    silent?.close()
    resetting?.close()
  })

  test('silent host: fromConnectionString fails within connectTimeout (1 s), once, password-free', async () => {
    const { error, ms } = await timedFailure(() =>
      ClientFactory.fromConnectionString(`postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/metrics`, { connectTimeout: 1 }),
    )
    expect(ms).toBeGreaterThanOrEqual(900)
    expect(ms).toBeLessThan(2000)
    expect(error.code).toBe(ErrorCodes.CONNECTION)
    expect(error.message).toContain(`app@127.0.0.1:${silent.port}/metrics`)
    expect(error.message).toContain('CONNECT_TIMEOUT')
    expect(error.details).toMatchObject({ driverCode: 'CONNECT_TIMEOUT', attempts: 1, host: '127.0.0.1', port: silent.port })
    expectNoPassword(error)
    report({
      fault: 'server unreachable at start (a host that accepts TCP and never answers)',
      runs: 1,
      sent: 0,
      found: 0,
      duplicates: 0,
      lost: 0,
      note: `ConnectionError after ${Math.round(ms)} ms with connectTimeout 1 s, no password in message, details, stack or causes`,
    })
  }, 30_000)

  test('silent host: fromConfig and fromEnvironment fail the same way within connectTimeout', async () => {
    const config = { host: '127.0.0.1', port: silent.port, database: 'metrics', username: 'app', password: PASSWORD, connectTimeout: 0.5 }
    const viaConfig = await timedFailure(() => ClientFactory.fromConfig(config))
    expect(viaConfig.ms).toBeLessThan(1500)
    expectNoPassword(viaConfig.error)
    const saved = process.env.DATABASE_URL
    process.env.DATABASE_URL = `postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/metrics?connect_timeout=0.5`
    try {
      const viaEnvironment = await timedFailure(() => ClientFactory.fromEnvironment())
      expect(viaEnvironment.ms).toBeLessThan(1500)
      expectNoPassword(viaEnvironment.error)
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL
      else process.env.DATABASE_URL = saved
    }
  }, 30_000)

  test('a host that resets every connection: retried while connectTimeout lasts, then a ConnectionError', async () => {
    const before = resetting.accepted()
    const { error, ms } = await timedFailure(() =>
      ClientFactory.fromConnectionString(`postgres://app:${PASSWORD}@127.0.0.1:${resetting.port}/metrics`, {
        connectTimeout: 2,
        maxRetries: 3,
        retryBaseDelayMs: 10,
        retryMaxDelayMs: 20,
      }),
    )
    expect(ms).toBeLessThan(2500)
    expect(error.code).toBe(ErrorCodes.CONNECTION)
    expect(error.details.attempts).toBe(4)
    expect(resetting.accepted() - before).toBeGreaterThanOrEqual(4)
    expectNoPassword(error)
  }, 30_000)
})

describe.if(native !== undefined)('healthCheck when the server goes silent', () => {
  test('reports unhealthy within its timeout instead of throwing; close() resolves', async () => {
    const t = await (native as NonNullable<typeof native>).open()
    const target = new URL(t.url as string)
    // A forwarder that can stop forwarding while keeping the connections open: a hung server.
    let forwarding = true
    const sockets = new Set<net.Socket>()
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname)
      for (const s of [client, upstream]) {
        sockets.add(s)
        s.on('error', () => {})
      }
      client.on('data', (chunk) => forwarding && upstream.write(chunk))
      upstream.on('data', (chunk) => forwarding && client.write(chunk))
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const url = new URL(target.href)
    url.port = String((proxy.address() as net.AddressInfo).port)
    url.hostname = '127.0.0.1'
    try {
      const client = await ClientFactory.fromConnectionString(url.href, { maxConnections: 1 })
      expect((await client.healthCheck()).isHealthy).toBe(true)
      forwarding = false
      const started = performance.now()
      const health = await bounded(client.healthCheck({ timeoutMs: 500 }), 5000, 'healthCheck on a silent server')
      expect(performance.now() - started).toBeLessThan(1500)
      expect(health.isHealthy).toBe(false)
      expect(health.errors?.[0]).toContain('timed out after 500 ms')
      await bounded(client.close({ timeout: 0.5 }), 5000, 'close() on a silent server')
    } finally {
      for (const s of sockets) s.destroy()
      proxy.close()
      await t.close()
    }
  }, 30_000)
})
