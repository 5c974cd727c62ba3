import net from 'node:net'

/** A loopback TCP forwarder to a real server, which a test can cut like a failing network. */
export interface TcpProxy {
  port: number
  /** Connections cut by {@link TcpProxy.dropNext}. */
  readonly drops: number
  /** Cuts the connection that next sends anything (a query, or a new connection's startup). */
  dropNext(): void
  /** Stops listening and cuts every connection: the server is gone. */
  stop(): Promise<void>
}

export async function tcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let armed = false
  let drops = 0
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.on('data', (chunk) => {
      if (armed) {
        armed = false
        drops++
        client.destroy()
        upstream.destroy()
        return
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => client.write(chunk))
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as net.AddressInfo
  return {
    port: address.port,
    get drops() {
      return drops
    },
    dropNext() {
      armed = true
    },
    stop() {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
