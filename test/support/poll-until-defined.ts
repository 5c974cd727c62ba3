/**
 * Polls `probe` every `everyMs` (50 ms) until it returns something other than `undefined` (a throw
 * counts as not yet), for at most `capMs`; then fails naming `what` and the last error. For a
 * condition, return `true` or `undefined`: `async () => ((await count()) === 0 ? true : undefined)`.
 */
export async function pollUntilDefined<T>(what: string, probe: () => Promise<T | undefined>, capMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + capMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${capMs} ms${last ? ` (last error: ${last})` : ''}`)
    await Bun.sleep(everyMs)
  }
}
