import { createServer, type Server, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import {
  bindComplete,
  CANCEL_REQUEST,
  commandComplete,
  concat,
  copyInResponse,
  cstring,
  errorResponse,
  type FrontendMessage,
  lastReadyStatus,
  MessageFramer,
  noData,
  parseComplete,
  readCString,
  readyForQuery,
  startupCode,
  withBody,
} from './pg-messages.ts'

/*
 * `serve`'s wire server in front of the embedded PGlite (one PostgreSQL backend, in WASM) for
 * any number of clients. pglite-socket 0.0.19 handed each TCP read to PGlite as if it held whole
 * messages, so a statement split across reads aborted the database (fixed upstream in
 * electric-sql/pglite #775 and #873, in releases for a newer PGlite than the TimescaleDB build);
 * this frames messages itself and:
 * - hands PGlite one whole message at a time;
 * - lets one client hold the backend from its first message until it is idle again (its last
 *   ReadyForQuery says `I`, no extended-protocol batch open), queueing the others: a transaction
 *   is never interleaved with another client's statements;
 * - keeps each client's prepared statements apart (names prefixed per client, deallocated when it
 *   leaves, an open transaction rolled back);
 * - answers `COPY ... FROM STDIN` itself (PGlite aborts on CopyData): it collects the data and
 *   runs the COPY from a Blob, PGlite's own way in;
 * - answers the startup of every client from one startup of the backend, then sets
 *   `client_min_messages = notice` (the build starts sessions at debug3).
 * When PGlite aborts, `onAbort` is called once and every client is disconnected.
 */

// A COPY ... FROM STDIN statement, after any comments; and the words anywhere in a text, which
// PGlite must never receive (it exits on COPY FROM STDIN: the database would be gone).
const COPY_FROM_STDIN = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*copy\s[\s\S]*\sfrom\s+stdin\b[^;]*;?\s*$/i
const MENTIONS_COPY_FROM_STDIN = /\bcopy\b[\s\S]*\bfrom\s+stdin\b/i
const NOT_ALONE = errorResponse('0A000', 'serve runs COPY ... FROM STDIN only as a statement of its own')
/** The frontend messages passed to PGlite (the COPY sub-protocol and Terminate are answered here). */
const FORWARDED = new Set(['Q', 'P', 'B', 'D', 'E', 'S', 'H', 'C', 'F', 'p'])

interface Client {
  id: number
  socket: Socket
  framer: MessageFramer
  queue: FrontendMessage[]
  statements: Set<string>
  status: 'I' | 'T' | 'E'
  /** Extended-protocol messages sent since the last Sync. */
  inBatch: boolean
  /** A COPY FROM STDIN in progress (its SQL and data), `simple` when it came as a Query. */
  copy?: { sql: string; chunks: Uint8Array[]; simple: boolean }
  /** A COPY FROM STDIN parsed in the extended protocol, not executed yet. */
  copyParsed?: string
  /** After an error in the extended protocol: messages are skipped until Sync. */
  skipToSync: boolean
  closing: boolean
}

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
  #clients = new Set<Client>()
  #owner: Client | undefined
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
    await pglite.execProtocolRaw(query('SET client_min_messages = notice'))
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
    const client: Client = {
      id: this.#nextId++,
      socket,
      framer: new MessageFramer(),
      queue: [],
      statements: new Set(),
      status: 'I',
      inBatch: false,
      skipToSync: false,
      closing: false,
    }
    this.#clients.add(client)
    const where = `${socket.remoteAddress}:${socket.remotePort}`
    this.#options.log(`client ${client.id} connected from ${where}`)
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

  #startup(client: Client, message: FrontendMessage): void {
    const code = startupCode(message)
    if (code === CANCEL_REQUEST) client.socket.destroy()
    else if (message.bytes.length === 8)
      client.socket.write('N') // SSLRequest, GSSENCRequest: no
    else client.socket.write(this.#startupResponse as Uint8Array)
  }

  /** A client that left: its open transaction rolled back and its statements deallocated, in its turn. */
  #leave(client: Client): void {
    client.closing = true
    client.queue.length = 0
    client.copy = undefined
    client.copyParsed = undefined
    if (client.inBatch) client.queue.push({ type: 0x53, bytes: withBody(0x53, new Uint8Array(0)) }) // Sync
    if (client.status !== 'I') client.queue.push({ type: 0x51, bytes: query('ROLLBACK') })
    for (const name of client.statements) client.queue.push({ type: 0x51, bytes: query(`DEALLOCATE "${name}"`) })
    client.statements.clear()
    if (client.queue.length === 0) {
      this.#clients.delete(client)
      if (this.#owner === client) this.#owner = undefined
    }
    this.#schedule()
  }

  #schedule(): void {
    if (this.#running || this.#aborted) return
    if (!this.#owner) this.#owner = [...this.#clients].find((c) => c.queue.length > 0)
    const owner = this.#owner
    if (!owner || owner.queue.length === 0) return
    this.#running = true
    void this.#drain(owner).finally(() => {
      this.#running = false
      if (owner.closing && owner.queue.length === 0) this.#clients.delete(owner)
      const idle = owner.status === 'I' && !owner.inBatch && !owner.copy && !owner.copyParsed
      if (this.#owner === owner && (idle || owner.closing)) this.#owner = undefined
      if (!this.#aborted) setImmediate(() => this.#schedule())
    })
  }

  async #drain(client: Client): Promise<void> {
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

  #send(client: Client, bytes: Uint8Array): void {
    if (!client.closing && bytes.length > 0 && client.socket.writable) client.socket.write(bytes)
  }

  async #handle(client: Client, message: FrontendMessage): Promise<void> {
    const type = String.fromCharCode(message.type)
    const body = message.bytes.subarray(5)
    if (type === 'X') {
      client.socket.end()
      return
    }
    if (client.skipToSync) {
      if (type !== 'S') return
      client.skipToSync = false
    }
    if (client.copy) return this.#copyMessage(client, type, body)
    if (!FORWARDED.has(type)) {
      // PostgreSQL ends a session on a message it does not know; PGlite would exit.
      this.#send(client, errorResponse('08P01', `invalid frontend message type ${message.type}`))
      client.socket.destroy()
      return
    }
    if (type === 'Q') {
      const text = readCString(body, 0).text
      if (COPY_FROM_STDIN.test(text)) {
        client.copy = { sql: text, chunks: [], simple: true }
        this.#send(client, copyInResponse())
        return
      }
      if (MENTIONS_COPY_FROM_STDIN.test(text)) {
        this.#send(client, NOT_ALONE)
        this.#send(client, readyForQuery(client.status))
        return
      }
    }
    if ('PBDCEHF'.includes(type)) client.inBatch = true
    if (client.copyParsed !== undefined && 'BDES'.includes(type)) return this.#parsedCopyMessage(client, type)
    if (type === 'P') {
      const name = readCString(body, 0)
      const text = readCString(body, name.end).text
      if (COPY_FROM_STDIN.test(text)) {
        client.copyParsed = text
        this.#send(client, parseComplete())
        return
      }
      if (MENTIONS_COPY_FROM_STDIN.test(text)) {
        this.#send(client, NOT_ALONE)
        client.skipToSync = true
        return
      }
    }
    const bytes = this.#renamed(client, message.type, body) ?? message.bytes
    // A copy: PGlite's answer is a view of its output buffer, reused by the next call, and a
    // socket may still hold it queued.
    const response = (await this.#options.pglite.execProtocolRaw(bytes)).slice()
    this.#send(client, response)
    const status = lastReadyStatus(response)
    if (status) {
      client.status = status
      client.inBatch = false
    }
  }

  /** Bind, Describe, Execute and Sync of a COPY FROM STDIN parsed in the extended protocol. */
  #parsedCopyMessage(client: Client, type: string): void {
    if (type === 'B') this.#send(client, bindComplete())
    else if (type === 'D') this.#send(client, noData())
    else if (type === 'E') {
      client.copy = { sql: client.copyParsed as string, chunks: [], simple: false }
      this.#send(client, copyInResponse())
    } else if (type === 'S') {
      client.copyParsed = undefined
      client.inBatch = false
      this.#send(client, readyForQuery(client.status))
    }
  }

  async #copyMessage(client: Client, type: string, body: Uint8Array): Promise<void> {
    const copy = client.copy as NonNullable<Client['copy']>
    if (type === 'd') {
      copy.chunks.push(body.slice())
      return
    }
    if (type === 'H' || type === 'S') return // Flush and Sync during COPY are ignored, as the server does
    client.copy = undefined
    if (type === 'c') {
      const sql = copy.sql.replace(/\sfrom\s+stdin\b/i, " FROM '/dev/blob'").replace(/;\s*$/, '')
      try {
        const result = await this.#options.pglite.query(sql, [], { blob: new Blob(copy.chunks as unknown as ArrayBuffer[]) })
        this.#send(client, commandComplete(`COPY ${result.affectedRows ?? 0}`))
      } catch (error) {
        if (isAbort(error)) throw error
        const e = error as { code?: string; message?: string }
        this.#send(client, errorResponse(e.code ?? 'XX000', e.message ?? String(error)))
        if (client.status === 'T') client.status = 'E'
        if (!copy.simple) client.skipToSync = true
      }
    } else {
      this.#send(
        client,
        errorResponse('57014', `COPY from stdin failed: ${type === 'f' ? readCString(body, 0).text : `unexpected message ${type}`}`),
      )
      if (client.status === 'T') client.status = 'E'
      if (!copy.simple) client.skipToSync = true
    }
    // A simple-protocol COPY ends here; an extended one at the client's Sync (sent to the backend).
    if (copy.simple) this.#send(client, readyForQuery(client.status))
    client.copyParsed = undefined
  }

  /** The message with its prepared statement and portal names made this client's own, or `undefined` when it has none. */
  #renamed(client: Client, type: number, body: Uint8Array): Uint8Array | undefined {
    const own = (name: string) => (name === '' ? '' : `c${client.id}_${name}`)
    const t = String.fromCharCode(type)
    if (t === 'P') {
      const name = readCString(body, 0)
      if (name.text === '') return undefined
      client.statements.add(own(name.text))
      return withBody(type, concat([cstring(own(name.text)), body.subarray(name.end)]))
    }
    if (t === 'B') {
      const portal = readCString(body, 0)
      const statement = readCString(body, portal.end)
      if (portal.text === '' && statement.text === '') return undefined
      return withBody(type, concat([cstring(own(portal.text)), cstring(own(statement.text)), body.subarray(statement.end)]))
    }
    if (t === 'D' || t === 'C') {
      const name = readCString(body, 1)
      if (name.text === '') return undefined
      if (t === 'C' && body[0] === 0x53) client.statements.delete(own(name.text))
      return withBody(type, concat([body.subarray(0, 1), cstring(own(name.text)), body.subarray(name.end)]))
    }
    if (t === 'E') {
      const portal = readCString(body, 0)
      if (portal.text === '') return undefined
      return withBody(type, concat([cstring(own(portal.text)), body.subarray(portal.end)]))
    }
    return undefined
  }

  #abort(error: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    for (const client of this.#clients) client.socket.destroy()
    this.#server?.close()
    this.#options.onAbort(error)
  }
}

function query(text: string): Uint8Array {
  return withBody(0x51, cstring(text))
}

/** A WASM abort of PGlite (the database is gone), as opposed to an SQL error. */
function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name
  return (
    name === 'RuntimeError' ||
    name === 'ExitStatus' ||
    (error instanceof Error && /unreachable|abort|Program terminated/i.test(error.message))
  )
}
