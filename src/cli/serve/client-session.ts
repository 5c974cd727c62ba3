import type { Socket } from 'node:net'
import { type FrontendMessage, MessageFramer, type TransactionStatus } from './pg-messages.ts'

/**
 * Where a client is in the protocol, one value instead of loose flags:
 * - `idle`: no extended-protocol batch open (what a client must be to give the backend up);
 * - `batch`: extended-protocol messages sent since its last Sync;
 * - `skip-to-sync`: an error in a batch; its messages are dropped until Sync, as the server does;
 * - `copy-parsed`: a `COPY ... FROM STDIN` parsed in the extended protocol, answered here until Execute;
 * - `copy-in`: a `COPY ... FROM STDIN` receiving its data (`simple` when it came as a Query).
 */
export type ProtocolPhase =
  | { kind: 'idle' }
  | { kind: 'batch' }
  | { kind: 'skip-to-sync' }
  | { kind: 'copy-parsed'; sql: string }
  | { kind: 'copy-in'; sql: string; chunks: Uint8Array[]; simple: boolean }

/** One client of `serve`: its socket, its messages waiting for the backend, and its protocol state. */
export interface ClientSession {
  id: number
  socket: Socket
  framer: MessageFramer
  queue: FrontendMessage[]
  /** Its prepared statements under their backend names (deallocated when it leaves). */
  statements: Set<string>
  /** The transaction status of its last ReadyForQuery. */
  transaction: TransactionStatus
  phase: ProtocolPhase
  /** It left: what remains in its queue is the cleanup (rollback, deallocations). */
  closing: boolean
}

/** A new client, idle. */
export function newClientSession(id: number, socket: Socket): ClientSession {
  return {
    id,
    socket,
    framer: new MessageFramer(),
    queue: [],
    statements: new Set(),
    transaction: 'I',
    phase: { kind: 'idle' },
    closing: false,
  }
}

/** Whether the client may give the backend up: no transaction, no batch, no COPY open. */
export function isIdle(client: ClientSession): boolean {
  return client.transaction === 'I' && client.phase.kind === 'idle'
}

/** Whether its extended-protocol batch is open (a Sync will close it): every phase but `idle` and a simple COPY. */
export function inBatch(client: ClientSession): boolean {
  return client.phase.kind !== 'idle' && !(client.phase.kind === 'copy-in' && client.phase.simple)
}
