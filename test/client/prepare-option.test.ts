import { expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ClientFactory } from '../../src/index.ts'
import { nativeUrls } from '../support/targets.ts'

const url = nativeUrls[0]

// docs/DEPLOYMENT.md: behind PgBouncer in transaction mode, `?prepare=false` turns off prepared statements.
test.skipIf(!url)('?prepare=false in the URL reaches postgres.js, and the client works without prepared statements', async () => {
  const withParam = new URL(url as string)
  withParam.searchParams.set('prepare', 'false')
  await using client = await ClientFactory.fromConnectionString(withParam.toString())
  expect((client.db.$client as unknown as { options: { prepare: boolean } }).options.prepare).toBe(false)
  const rows = (await client.db.execute(sql`select ${41}::int + 1 as answer`)) as unknown as { answer: number }[]
  expect(rows[0]?.answer).toBe(42)
})
