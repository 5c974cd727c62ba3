/** How deep a chain of `cause`s is followed: Drizzle, postgres.js and our own wrappers nest a few. */
const MAX_DEPTH = 8

/**
 * The error and its causes, outermost first, as objects (a non-object ends the chain). The one
 * walk of a cause chain in the package: the PostgreSQL error, the driver's code and the driver's
 * message are each the first link that has them.
 *
 * @example
 * ```ts
 * const code = causeChain(error).find((e) => typeof e.code === 'string')?.code
 * ```
 */
export function causeChain(error: unknown): Array<Record<string, unknown>> {
  const chain: Array<Record<string, unknown>> = []
  for (let e: unknown = error; e !== null && typeof e === 'object' && chain.length < MAX_DEPTH; ) {
    const link = e as Record<string, unknown>
    chain.push(link)
    e = link.cause
  }
  return chain
}
