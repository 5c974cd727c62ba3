import { ConnectionError, ErrorCodes, TimescaleClientError } from '../errors.ts'

interface Waiter {
  slots: number
  grant: () => void
}

/**
 * At most `capacity` operations at once (one per pooled connection), first come first served; an
 * operation that cannot start within `timeoutMs` fails with a `ConnectionError` coded
 * `CONNECTION_TIMEOUT` instead of waiting in the pool's queue forever. postgres.js has no acquire
 * timeout of its own (its queue waits as long as it takes).
 *
 * @example
 * ```ts
 * const gate = new AcquireGate(10, 2_000)
 * const rows = await gate.run(1, () => getRecords(db, 'sensor-1', range))
 * ```
 */
export class AcquireGate {
  readonly capacity: number
  readonly timeoutMs: number
  #free: number
  readonly #waiting: Waiter[] = []

  constructor(capacity: number, timeoutMs: number) {
    this.capacity = Math.max(1, Math.floor(capacity))
    this.timeoutMs = timeoutMs
    this.#free = this.capacity
  }

  /** Operations waiting for a connection now. */
  get waiting(): number {
    return this.#waiting.length
  }

  /**
   * Runs `fn` once `slots` connections (at most `capacity`) are free; rejects without running it
   * after `timeoutMs`, or at once when `signal` aborts (the client was closed).
   */
  async run<T>(slots: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const n = Number.isFinite(slots) ? Math.min(Math.max(1, Math.floor(slots)), this.capacity) : 1
    await this.#acquire(n, signal)
    try {
      return await fn()
    } finally {
      this.#free += n
      this.#grant()
    }
  }

  #acquire(slots: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(closedWhileWaiting())
    if (this.#waiting.length === 0 && this.#free >= slots) {
      this.#free -= slots
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const leave = (error: TimescaleClientError) => {
        const index = this.#waiting.indexOf(waiter)
        if (index >= 0) this.#waiting.splice(index, 1)
        cleanup()
        reject(error)
        // A large waiter leaving may let smaller ones behind it start.
        this.#grant()
      }
      const onAbort = () => leave(closedWhileWaiting())
      const timer = setTimeout(() => leave(this.#timeoutError()), this.timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      const waiter: Waiter = {
        slots,
        grant: () => {
          cleanup()
          resolve()
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiting.push(waiter)
    })
  }

  #grant(): void {
    for (let next = this.#waiting[0]; next && this.#free >= next.slots; next = this.#waiting[0]) {
      this.#waiting.shift()
      this.#free -= next.slots
      next.grant()
    }
  }

  #timeoutError(): ConnectionError {
    const seconds = this.timeoutMs / 1000
    return new ConnectionError(
      `no free connection within acquireTimeout (${seconds} s): all ${this.capacity} connections are busy and ${this.#waiting.length} calls wait; raise maxConnections or acquireTimeout`,
      ErrorCodes.CONNECTION_TIMEOUT,
      { details: { acquireTimeout: seconds, maxConnections: this.capacity, waiting: this.#waiting.length } },
    )
  }
}

function closedWhileWaiting(): TimescaleClientError {
  return new TimescaleClientError('the client was closed while the call waited for a connection', ErrorCodes.CLIENT_CLOSED)
}
