/**
 * Resolves `true` after `ms` milliseconds, or `false` as soon as `signal` aborts (at once when it
 * already has).
 *
 * @example
 * ```ts
 * if (!(await abortableSleep(250, controller.signal))) return // aborted
 * ```
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
