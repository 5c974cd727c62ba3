import type { CliContext, Command } from '../cli-context.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { integerOption, parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { EmbeddedServer } from '../serve/embedded-server.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

/** The default port of `serve`: not PostgreSQL's 5432, which a local server may hold. */
export const DEFAULT_SERVE_PORT = 5488

const HELP = `Usage: drizzle-timescale serve [--port ${DEFAULT_SERVE_PORT}] [--host 127.0.0.1]

Exposes the embedded database (--data-dir, default ./.tsdb) on a loopback port, so that psql,
drizzle-kit studio or another process can connect to it, and prints its URL. Stop it with
Ctrl-C (SIGINT) or SIGTERM: the database is closed and its directory flushed.

The embedded database is one PostgreSQL session (PGlite, in WASM) shared by every client: any
number may connect (psql beside an app, a pool of 10); each statement, transaction or
extended-protocol batch runs whole before another client's, so a client inside a transaction
makes the others wait until it commits. Prepared statements are kept apart per client.
COPY ... FROM STDIN works (psql's \\copy, postgres.js, pg-copy-streams). Sessions start at
client_min_messages = notice. No TLS (sslmode=disable); any user name and password are accepted.
If the embedded database aborts, serve says why on stderr and exits 1.

Options:
  --port <n>        the port (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)
  --host <address>  a loopback address: 127.0.0.1 (default), ::1 or localhost
  --data-dir <dir>  the embedded database (default ./.tsdb)
  --debug           print the stack trace of a failure

With DATABASE_URL set there is nothing to serve: connect to that server directly.
`

/** `serve`: the embedded database on a loopback port, for any number of clients, until SIGINT/SIGTERM. */
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
      let aborted: (error: unknown) => void = () => {}
      const abort = new Promise<unknown>((resolve) => {
        aborted = resolve
      })
      const server = new EmbeddedServer({
        pglite,
        host,
        port,
        log: (line) => context.stderr.write(`serve: ${line}\n`),
        onAbort: (error) => aborted(error),
      })
      const bound = await server.start().catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is in use: choose another with --port`)
        throw error
      })
      printBanner(context, target.where, serveUrl(host, bound))
      const why = await Promise.race([untilAborted(context.signal).then(() => undefined), abort.then((error) => ({ error }))])
      if (why) {
        const reason = why.error instanceof Error ? `${why.error.name}: ${why.error.message}` : String(why.error)
        context.stderr.write(`serve: the embedded database aborted (${reason}); its connections are closed. Exiting.\n`)
        await server.stop()
        return ExitCode.FAILURE
      }
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
      'One PostgreSQL session shared by every client: a transaction makes the other clients wait.',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  )
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}
