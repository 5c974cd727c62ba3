/** Polls `probe` every 500 ms until it returns true, for at most `ms`; then fails naming `what`. */
export async function eventually(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    if (await probe()) return
    if (Date.now() > until) throw new Error(`${what}: not within ${ms / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
