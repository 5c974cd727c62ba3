import { loadOptional } from '../../embedded/load-optional.ts'
import type { CliContext, Command } from '../cli-context.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { integerOption, parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

/** The default port of `serve`: not PostgreSQL's 5432, which a local server may hold. */
export const DEFAULT_SERVE_PORT = 5488
/** How long a second client waits for the first one to disconnect. */
const QUEUE_TIMEOUT_MS = 60_000

const HELP = `Usage: drizzle-timescale serve [--port ${DEFAULT_SERVE_PORT}] [--host 127.0.0.1]

Exposes the embedded database (--data-dir, default ./.tsdb) on a loopback port, so that psql,
drizzle-kit studio or another process can connect to it, and prints its URL. Stop it with
Ctrl-C (SIGINT) or SIGTERM: the database is closed and its directory flushed.

Limits of the embedded server (PGlite is one single-user PostgreSQL in WASM):
  - one connection at a time: a second client waits until the first disconnects (at most 60 s)
  - create_hypertable(...) and other TimescaleDB functions must be sent over the simple query
    protocol (psql does; with postgres.js use sql.unsafe(text) without parameters): sent as a
    prepared statement, it aborts the server
  - COPY ... FROM STDIN aborts the server: use INSERT, or drizzle-timescale import
  - no TLS (sslmode=disable); any user name and password are accepted

Options:
  --port <n>        the port (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)
  --host <address>  a loopback address: 127.0.0.1 (default), ::1 or localhost
  --data-dir <dir>  the embedded database (default ./.tsdb)
  --debug           print the stack trace of a failure

With DATABASE_URL set there is nothing to serve: connect to that server directly.
`

/** `serve`: the embedded database on a loopback port (pglite-socket), until SIGINT/SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'expose the embedded database on a loopback port (psql, drizzle-kit studio)',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('serve', argv, { port: { type: 'string' }, host: { type: 'string' } })
    if (context.env.DATABASE_URL) {
      throw new UsageError('serve is for the embedded database only: DATABASE_URL is set, so connect to that server directly')
    }
    const port = integerOption(args, 'port', DEFAULT_SERVE_PORT, 0, 65_535)
    const host = loopbackHost(stringOption(args, 'host', '127.0.0.1'))
    const target = await openCliDatabase(args, context, 'serve')
    try {
      const pglite = target.embedded?.pglite
      if (!pglite) throw new Error('serve needs the embedded database')
      const { PGLiteSocketServer } = await loadOptional('@electric-sql/pglite-socket', 'serve', () => import('@electric-sql/pglite-socket'))
      const server = new PGLiteSocketServer({ db: pglite, host, port, connectionQueueTimeout: QUEUE_TIMEOUT_MS })
      await server.start().catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is in use: choose another with --port`)
        throw error
      })
      const bound = Number(server.getServerConn().split(':').pop())
      let lastClient = ''
      server.addEventListener('connection', (event) => {
        // pglite-socket announces a connection when it arrives and again when it is attached.
        const { clientAddress, clientPort } = (event as CustomEvent<{ clientAddress: string; clientPort: number }>).detail
        const client = `${clientAddress}:${clientPort}`
        if (client !== lastClient) context.stderr.write(`serve: client connected from ${client}\n`)
        lastClient = client
      })
      server.addEventListener('error', (event) => {
        context.stderr.write(`serve: connection error: ${String((event as CustomEvent).detail)}\n`)
      })
      printBanner(context, target.where, serveUrl(host, bound))
      await untilAborted(context.signal)
      context.stderr.write('serve: stopping\n')
      await server.stop()
      await target.close()
      context.stderr.write(`serve: stopped; the ${target.where} is closed\n`)
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}

/** The URL a client uses to reach `serve` on `host:port`. */
export function serveUrl(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host
  return `postgres://postgres:postgres@${h}:${port}/postgres?sslmode=disable`
}

function loopbackHost(host: string): string {
  if (host === 'localhost') return '127.0.0.1'
  if (host === '::1' || host === '[::1]') return '::1'
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return host
  throw new UsageError(
    `--host ${host} is not a loopback address: serve listens on 127.0.0.1, ::1 or localhost only ` +
      '(the embedded database has no authentication)',
  )
}

function printBanner(context: CliContext, where: string, url: string): void {
  context.stdout.write(
    [
      `Serving the ${where}`,
      `URL: ${url}`,
      '',
      `  psql '${url}'`,
      `  DATABASE_URL='${url}' bunx drizzle-kit studio`,
      '',
      'Limits: one connection at a time (a second client waits); send create_hypertable(...) and other',
      'TimescaleDB functions over the simple query protocol (psql, postgres.js sql.unsafe(text) without',
      'parameters), never as a prepared statement; no COPY ... FROM STDIN. Both abort the server.',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  )
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}
