import { createServer, type Server, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { type ClientSession, inBatch, isIdle, newClientSession } from './client-session.ts'
import { COPY_FROM_STDIN, MENTIONS_COPY_FROM_STDIN, NOT_ALONE, runCopyFromStdin } from './copy-from-stdin.ts'
import { ownStatementNames } from './own-statement-names.ts'
import {
  bindComplete,
  CANCEL_REQUEST,
  concat,
  copyInResponse,
  cstring,
  errorResponse,
  Frontend,
  type FrontendMessage,
  lastReadyStatus,
  noData,
  parseComplete,
  queryMessage,
  readCString,
  readyForQuery,
  startupCode,
  syncMessage,
  typeOf,
} from './pg-messages.ts'

/*
 * `serve`'s wire server in front of the embedded PGlite (one PostgreSQL backend, in WASM) for
 * any number of clients. pglite-socket 0.0.19 handed each TCP read to PGlite as if it held whole
 * messages, so a statement split across reads aborted the database (fixed upstream in
 * electric-sql/pglite #775 and #873, in releases for a newer PGlite than the TimescaleDB build);
 * this frames messages itself (pg-messages.ts) and:
 * - hands PGlite one whole message at a time;
 * - lets one client hold the backend from its first message until it is idle again (its last
 *   ReadyForQuery says `I`, no extended-protocol batch open: client-session.ts), queueing the
 *   others: a transaction is never interleaved with another client's statements;
 * - keeps each client's prepared statements apart (own-statement-names.ts; deallocated when it
 *   leaves, an open transaction rolled back);
 * - answers `COPY ... FROM STDIN` itself (copy-from-stdin.ts: PGlite aborts on CopyData);
 * - answers the startup of every client from one startup of the backend, then sets
 *   `client_min_messages = notice` (the build starts sessions at debug3).
 * When PGlite aborts, `onAbort` is called once and every client is disconnected.
 */

/** The frontend messages passed to PGlite (the COPY sub-protocol and Terminate are answered here). */
const FORWARDED = new Set<string>([
  Frontend.Query,
  Frontend.Parse,
  Frontend.Bind,
  Frontend.Describe,
  Frontend.Execute,
  Frontend.Sync,
  Frontend.Flush,
  Frontend.Close,
  Frontend.FunctionCall,
  Frontend.Password,
])
/** The messages of an extended-protocol batch (a Sync ends it). */
const BATCH = new Set<string>([
  Frontend.Parse,
  Frontend.Bind,
  Frontend.Describe,
  Frontend.Close,
  Frontend.Execute,
  Frontend.Flush,
  Frontend.FunctionCall,
])

/** What `serve` runs: the embedded database on a loopback port. */
export interface EmbeddedServerOptions {
  pglite: PGlite
  host: string
  port: number
  /** A line for stderr (connections, disconnections). */
  log(line: string): void
  /** PGlite aborted (a WASM RuntimeError): the database is gone. */
  onAbort(error: unknown): void
}

/** The embedded database on a socket, for many clients at once (see the comment above). */
export class EmbeddedServer {
  readonly #options: EmbeddedServerOptions
  #server: Server | undefined
  #startupResponse: Uint8Array | undefined
  #clients = new Set<ClientSession>()
  #owner: ClientSession | undefined
  #running = false
  #nextId = 1
  #aborted = false

  constructor(options: EmbeddedServerOptions) {
    this.#options = options
  }

  /** Starts the backend session and listens; resolves with the bound port. */
  async start(): Promise<number> {
    const { pglite } = this.#options
    await pglite.waitReady
    const startup = concat([
      new Uint8Array(8),
      cstring('user'),
      cstring('postgres'),
      cstring('database'),
      cstring('postgres'),
      new Uint8Array([0]),
    ])
    const view = new DataView(startup.buffer)
    view.setInt32(0, startup.length)
    view.setInt32(4, 196608) // protocol 3.0
    // PGlite returns a view of its output buffer, which the next call overwrites: keep a copy.
    this.#startupResponse = (await pglite.execProtocolRaw(startup)).slice()
    await pglite.execProtocolRaw(queryMessage('SET client_min_messages = notice').bytes)
    const server = createServer((socket) => this.#accept(socket))
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#options.port, this.#options.host, () => resolve())
    })
    const address = server.address()
    return typeof address === 'object' && address ? address.port : this.#options.port
  }

  /** Stops listening and disconnects every client. */
  async stop(): Promise<void> {
    for (const client of this.#clients) client.socket.destroy()
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()))
  }

  #accept(socket: Socket): void {
    if (this.#aborted) {
      socket.destroy()
      return
    }
    const client = newClientSession(this.#nextId++, socket)
    this.#clients.add(client)
    this.#options.log(`client ${client.id} connected from ${socket.remoteAddress}:${socket.remotePort}`)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      let messages: FrontendMessage[]
      try {
        messages = client.framer.push(new Uint8Array(chunk))
      } catch (error) {
        this.#options.log(`client ${client.id}: ${(error as Error).message}: disconnected`)
        socket.destroy()
        return
      }
      for (const message of messages) {
        if (message.type === 0) this.#startup(client, message)
        else client.queue.push(message)
      }
      this.#schedule()
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => {
      this.#options.log(`client ${client.id} disconnected`)
      this.#leave(client)
    })
  }

  #startup(client: ClientSession, message: FrontendMessage): void {
    if (startupCode(message) === CANCEL_REQUEST) client.socket.destroy()
    else if (message.bytes.length === 8)
      client.socket.write('N') // SSLRequest, GSSENCRequest: no
    else client.socket.write(this.#startupResponse as Uint8Array)
  }

  /** A client that left: its open batch synced, its transaction rolled back and its statements deallocated, in its turn. */
  #leave(client: ClientSession): void {
    client.closing = true
    client.queue.length = 0
    const open = inBatch(client)
    if (client.phase.kind !== 'skip-to-sync') client.phase = { kind: open ? 'batch' : 'idle' }
    if (open) client.queue.push(syncMessage())
    if (client.transaction !== 'I') client.queue.push(queryMessage('ROLLBACK'))
    for (const name of client.statements) client.queue.push(queryMessage(`DEALLOCATE "${name}"`))
    client.statements.clear()
    if (client.queue.length === 0) {
      this.#clients.delete(client)
      if (this.#owner === client) this.#owner = undefined
    }
    this.#schedule()
  }

  /** Gives the backend to the next client with messages, and keeps it with one until that client is idle. */
  #schedule(): void {
    if (this.#running || this.#aborted) return
    if (!this.#owner) this.#owner = [...this.#clients].find((c) => c.queue.length > 0)
    const owner = this.#owner
    if (!owner || owner.queue.length === 0) return
    this.#running = true
    void this.#drain(owner).finally(() => {
      this.#running = false
      if (owner.closing && owner.queue.length === 0) this.#clients.delete(owner)
      if (this.#owner === owner && (isIdle(owner) || owner.closing)) this.#owner = undefined
      if (!this.#aborted) setImmediate(() => this.#schedule())
    })
  }

  async #drain(client: ClientSession): Promise<void> {
    while (client.queue.length > 0 && !this.#aborted) {
      const message = client.queue.shift() as FrontendMessage
      try {
        await this.#handle(client, message)
      } catch (error) {
        this.#abort(error)
        return
      }
    }
  }

  #send(client: ClientSession, bytes: Uint8Array): void {
    if (!client.closing && bytes.length > 0 && client.socket.writable) client.socket.write(bytes)
  }

  /** One message of the client that holds the backend, by its protocol phase. */
  async #handle(client: ClientSession, message: FrontendMessage): Promise<void> {
    const type = typeOf(message)
    const body = message.bytes.subarray(5)
    if (type === Frontend.Terminate) {
      client.socket.end()
      return
    }
    const phase = client.phase
    if (phase.kind === 'skip-to-sync') {
      if (type !== Frontend.Sync) return
      client.phase = { kind: 'batch' } // the Sync goes to the backend, which answers ReadyForQuery
    }
    if (phase.kind === 'copy-in') return this.#copyData(client, phase, type, body)
    if (!FORWARDED.has(type)) {
      // PostgreSQL ends a session on a message it does not know; PGlite would exit.
      this.#send(client, errorResponse('08P01', `invalid frontend message type ${message.type}`))
      client.socket.destroy()
      return
    }
    if (type === Frontend.Query) {
      const text = readCString(body, 0).text
      if (COPY_FROM_STDIN.test(text)) {
        client.phase = { kind: 'copy-in', sql: text, chunks: [], simple: true }
        this.#send(client, copyInResponse())
        return
      }
      if (MENTIONS_COPY_FROM_STDIN.test(text)) {
        this.#send(client, NOT_ALONE)
        this.#send(client, readyForQuery(client.transaction))
        return
      }
    }
    if (BATCH.has(type) && client.phase.kind === 'idle') client.phase = { kind: 'batch' }
    if (phase.kind === 'copy-parsed' && 'BDES'.includes(type)) return this.#parsedCopy(client, phase.sql, type)
    if (type === Frontend.Parse) {
      const name = readCString(body, 0)
      const text = readCString(body, name.end).text
      if (COPY_FROM_STDIN.test(text)) {
        client.phase = { kind: 'copy-parsed', sql: text }
        this.#send(client, parseComplete())
        return
      }
      if (MENTIONS_COPY_FROM_STDIN.test(text)) {
        this.#send(client, NOT_ALONE)
        client.phase = { kind: 'skip-to-sync' }
        return
      }
    }
    const bytes = ownStatementNames(client, message.type, body) ?? message.bytes
    // A copy: PGlite's answer is a view of its output buffer, reused by the next call, and a
    // socket may still hold it queued.
    const response = (await this.#options.pglite.execProtocolRaw(bytes)).slice()
    this.#send(client, response)
    const status = lastReadyStatus(response)
    if (status) {
      client.transaction = status
      client.phase = { kind: 'idle' }
    }
  }

  /** Bind, Describe, Execute and Sync of a COPY FROM STDIN parsed in the extended protocol. */
  #parsedCopy(client: ClientSession, sql: string, type: string): void {
    if (type === Frontend.Bind) this.#send(client, bindComplete())
    else if (type === Frontend.Describe) this.#send(client, noData())
    else if (type === Frontend.Execute) {
      client.phase = { kind: 'copy-in', sql, chunks: [], simple: false }
      this.#send(client, copyInResponse())
    } else if (type === Frontend.Sync) {
      client.phase = { kind: 'idle' }
      this.#send(client, readyForQuery(client.transaction))
    }
  }

  /** CopyData, CopyDone or CopyFail of a COPY FROM STDIN in progress. */
  async #copyData(
    client: ClientSession,
    copy: { sql: string; chunks: Uint8Array[]; simple: boolean },
    type: string,
    body: Uint8Array,
  ): Promise<void> {
    if (type === Frontend.CopyData) {
      copy.chunks.push(body.slice())
      return
    }
    if (type === Frontend.Flush || type === Frontend.Sync) return // ignored during COPY, as the server does
    let failed: boolean
    if (type === Frontend.CopyDone) {
      const result = await runCopyFromStdin(this.#options.pglite, copy.sql, copy.chunks)
      this.#send(client, result.response)
      failed = result.failed
    } else {
      const why = type === Frontend.CopyFail ? readCString(body, 0).text : `unexpected message ${type}`
      this.#send(client, errorResponse('57014', `COPY from stdin failed: ${why}`))
      failed = true
    }
    if (failed && client.transaction === 'T') client.transaction = 'E'
    if (copy.simple) {
      // A simple-protocol COPY ends here; an extended one at the client's Sync (sent to the backend).
      client.phase = { kind: 'idle' }
      this.#send(client, readyForQuery(client.transaction))
    } else client.phase = { kind: failed ? 'skip-to-sync' : 'batch' }
  }

  #abort(error: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    for (const client of this.#clients) client.socket.destroy()
    this.#server?.close()
    this.#options.onAbort(error)
  }
}
