#!/usr/bin/env bun
/*
 * A fresh process that streams one entity's records from the native server and prints what it
 * measured as JSON: its resident set size is then the stream's alone, not the benchmark's (which
 * holds a million generated records).
 *
 *   bun bench/queries/stream-child.ts URL ENTITY FROM TO
 */
import { ClientFactory } from '../../src/client/index.ts'
import { measureStream } from './stream-memory.ts'

const [url, entityId, from, to] = process.argv.slice(2)
if (!url || !entityId || !from || !to) throw new Error('usage: stream-child.ts URL ENTITY FROM TO')
const client = await ClientFactory.fromConnectionString(url, { maxConnections: 1 })
try {
  const measured = await measureStream(client, entityId, { from, to })
  process.stdout.write(`${JSON.stringify(measured)}\n`)
} finally {
  await client.close()
}
