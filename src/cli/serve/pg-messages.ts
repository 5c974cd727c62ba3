/*
 * The PostgreSQL wire protocol as `serve` needs it: cutting a byte stream into whole messages
 * (a TCP read holds part of one, or several), and building the few backend messages it answers
 * itself. https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** A frontend message: its type byte (`Q`, `P`, `B`, `d`, ...; `0` for the startup packet) and its whole bytes. */
export interface FrontendMessage {
  type: number
  bytes: Uint8Array
}

/**
 * The frontend message types `serve` tells apart, by name: the type byte as a character. One
 * place for them; the server compares `String.fromCharCode(message.type)` with these.
 */
export const Frontend = {
  Query: 'Q',
  Parse: 'P',
  Bind: 'B',
  Describe: 'D',
  Execute: 'E',
  Sync: 'S',
  Flush: 'H',
  Close: 'C',
  FunctionCall: 'F',
  Password: 'p',
  Terminate: 'X',
  CopyData: 'd',
  CopyDone: 'c',
  CopyFail: 'f',
} as const

/** One of {@link Frontend}. */
export type FrontendType = (typeof Frontend)[keyof typeof Frontend]

/** The type byte of a frontend message as its character (`Q`, `P`, ...). */
export const typeOf = (message: FrontendMessage): string => String.fromCharCode(message.type)

/** A frontend message built here: a simple Query, or a Sync. */
export const queryMessage = (text: string): FrontendMessage => ({
  type: Frontend.Query.charCodeAt(0),
  bytes: withBody(Frontend.Query.charCodeAt(0), cstring(text)),
})
export const syncMessage = (): FrontendMessage => ({
  type: Frontend.Sync.charCodeAt(0),
  bytes: withBody(Frontend.Sync.charCodeAt(0), new Uint8Array(0)),
})

/** Codes of the untyped first packets. */
export const SSL_REQUEST = 80877103
export const GSSENC_REQUEST = 80877104
export const CANCEL_REQUEST = 80877102

/** Refuses a message longer than this (PostgreSQL's own limit is 1 GB; a statement of 256 MB is far past a dev tool's need). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024

/** Cuts a client's byte stream into whole messages; the first packets have no type byte. */
export class MessageFramer {
  #buffer: Uint8Array = new Uint8Array(0)
  #startup = true

  /** Bytes in, whole messages out (none while a message is incomplete). */
  push(chunk: Uint8Array): FrontendMessage[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : concat([this.#buffer, chunk])
    const out: FrontendMessage[] = []
    let offset = 0
    for (;;) {
      const header = this.#startup ? 4 : 5
      if (this.#buffer.length - offset < header) break
      const view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset + offset)
      const length = this.#startup ? view.getInt32(0) : view.getInt32(1)
      const total = this.#startup ? length : length + 1
      if (length < 4 || total > MAX_MESSAGE_BYTES) throw new Error(`a protocol message of ${length} bytes`)
      if (this.#buffer.length - offset < total) break
      const bytes = this.#buffer.slice(offset, offset + total)
      if (this.#startup) {
        const code = view.getInt32(4)
        // SSL and GSS requests come before the startup packet, which comes untyped too.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.#startup = false
        out.push({ type: 0, bytes })
      } else out.push({ type: bytes[0] as number, bytes })
      offset += total
    }
    this.#buffer = offset === 0 ? this.#buffer : this.#buffer.slice(offset)
    return out
  }
}

/** The code of an untyped first packet (SSL request, startup, cancel). */
export function startupCode(message: FrontendMessage): number {
  return new DataView(message.bytes.buffer, message.bytes.byteOffset).getInt32(4)
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A backend message of `type` with `body`. */
export function backendMessage(type: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(5 + body.length)
  out[0] = type.charCodeAt(0)
  new DataView(out.buffer).setInt32(1, 4 + body.length)
  out.set(body, 5)
  return out
}

/** `ReadyForQuery` with a transaction status: `I` idle, `T` in a transaction, `E` in a failed one. */
export const readyForQuery = (status: TransactionStatus = 'I') => backendMessage('Z', encoder.encode(status))

/** A session's transaction status as ReadyForQuery reports it: `I` idle, `T` in a transaction, `E` in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E'

/** `CommandComplete` with its tag (`COPY 3`). */
export const commandComplete = (tag: string) => backendMessage('C', cstring(tag))

/** `ErrorResponse` with a SQLSTATE and a message. */
export function errorResponse(code: string, message: string): Uint8Array {
  return backendMessage(
    'E',
    concat([encoder.encode('SERROR\0VERROR\0C'), cstring(code), encoder.encode('M'), cstring(message), new Uint8Array([0])]),
  )
}

/** `CopyInResponse` of a text-format COPY (no per-column formats: clients read the overall one). */
export const copyInResponse = () => backendMessage('G', new Uint8Array([0, 0, 0]))

/** `ParseComplete`, `BindComplete`, `NoData`, `CloseComplete`. */
export const parseComplete = () => backendMessage('1')
export const bindComplete = () => backendMessage('2')
export const noData = () => backendMessage('n')

/** The transaction status of the last `ReadyForQuery` in a backend response, or `undefined` without one. */
export function lastReadyStatus(response: Uint8Array): TransactionStatus | undefined {
  let status: TransactionStatus | undefined
  let offset = 0
  const view = new DataView(response.buffer, response.byteOffset, response.byteLength)
  while (offset + 5 <= response.length) {
    const length = view.getInt32(offset + 1)
    if (response[offset] === 0x5a /* Z */) status = String.fromCharCode(response[offset + 5] as number) as TransactionStatus
    offset += 1 + length
  }
  return status
}

/** The NUL-terminated strings of a message body from `offset`, and where each ends. */
export function readCString(bytes: Uint8Array, offset: number): { text: string; end: number } {
  let end = offset
  while (end < bytes.length && bytes[end] !== 0) end++
  return { text: decoder.decode(bytes.subarray(offset, end)), end: end + 1 }
}

export function cstring(text: string): Uint8Array {
  return concat([encoder.encode(text), new Uint8Array([0])])
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A frontend message with a new body (its type byte kept, its length recomputed). */
export function withBody(type: number, body: Uint8Array): Uint8Array {
  return backendMessage(String.fromCharCode(type), body)
}
