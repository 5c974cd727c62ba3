/*
 * The package's migrations on each native server raise no WARNING (TimescaleDB reports use of a
 * deprecated name as a WARNING while timescaledb.enable_deprecation_warnings is on, its default):
 * on 2.29 the compression names of migration 0003 are still accepted without one. On the Apache
 * edition the TSL steps are skipped with a NOTICE that says so.
 */
import { describe, expect, test } from 'bun:test'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { migrate } from '../src/migrate.ts'
import { targets } from './support/targets.ts'

for (const target of targets.filter((t) => t.kind === 'native')) {
  describe(`migrate on ${target.name}`, () => {
    test('no WARNING (no deprecation warning) from any migration; the Apache edition says what it skips', async () => {
      const t = await target.open({ migrate: false })
      const notices: { severity: string; message: string }[] = []
      const client = postgres(t.url as string, {
        max: 1,
        onnotice: (n) => notices.push({ severity: String(n.severity), message: String(n.message) }),
      })
      try {
        await client`set client_min_messages = notice`
        const { applied } = await migrate(drizzle(client))
        // Read after the migration: the setting exists once the extension is loaded.
        const [setting] = await client`select current_setting('timescaledb.enable_deprecation_warnings', true) as on`
        expect(applied).toHaveLength(5)
        expect(notices.filter((n) => n.severity === 'WARNING')).toEqual([])
        expect(notices.filter((n) => /deprecat/i.test(n.message))).toEqual([])
        if (target.license === 'timescale')
          expect(setting?.on).toBe('on') // the warnings would have been raised
        else expect(notices.filter((n) => n.message.startsWith('drizzle-timescale: TimescaleDB license is apache'))).toHaveLength(2)
      } finally {
        await client.end()
        await t.close()
      }
    })
  })
}
