/*
 * A TimescaleClient per test target, made by the factory a user would call: `embedded()` on the
 * embedded target, `fromConnectionString()` on a fresh migrated database of the native server.
 */
import { ClientFactory, type TimescaleClient } from '../../src/client/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import type { ClientConfig } from '../../src/types.ts'
import { type TestTarget, targets } from '../support/targets.ts'

export interface TargetClient {
  client: TimescaleClient<AnyPgDatabase>
  /** URL of the database (native only). */
  url?: string
  close(): Promise<void>
}

export async function openClient(target: TestTarget, options: ClientConfig & { migrate?: boolean } = {}): Promise<TargetClient> {
  const { migrate, ...config } = options
  if (target.kind === 'embedded') {
    const client = await ClientFactory.embedded(config)
    return { client, close: () => client.close() }
  }
  const t = await target.open({ migrate: migrate ?? true })
  const url = t.url as string
  try {
    const client = await ClientFactory.fromConnectionString(url, config)
    return {
      client,
      url,
      async close() {
        await client.close()
        await t.close()
      },
    }
  } catch (error) {
    await t.close()
    throw error
  }
}

export { targets }
