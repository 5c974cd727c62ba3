import net from 'node:net'

/**
 * A loopback link from a standby to its primary that delays what the primary sends (the WAL) by
 * `delayMs`, like a link between sites, and that a test can cut: what is still on the way is
 * dropped, as when the primary's site goes dark with its network. The standby's replies (its
 * flush positions) pass at once.
 */
export interface DelayedLink {
  port: number
  /** Cuts every connection and drops the bytes not delivered yet; new connections are refused. */
  cut(): void
  stop(): Promise<void>
}

export async function delayedLink(upstreamPort: number, delayMs: number): Promise<DelayedLink> {
  const sockets = new Set<net.Socket>()
  let cut = false
  const server = net.createServer((standby) => {
    if (cut) return standby.destroy()
    const primary = net.connect(upstreamPort, '127.0.0.1')
    for (const s of [standby, primary]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    standby.on('data', (chunk) => primary.write(chunk))
    // Timers of one delay fire in the order they were set: the byte stream stays in order.
    primary.on('data', (chunk) => setTimeout(() => cut || standby.destroyed || standby.write(chunk), delayMs))
    standby.on('close', () => primary.destroy())
    primary.on('close', () => setTimeout(() => standby.destroy(), delayMs))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const cutAll = () => {
    cut = true
    for (const s of sockets) s.destroy()
  }
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: cutAll,
    stop() {
      cutAll()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
