/*
 * The app's demo (`bun run start`): registers three devices on two sites, records a morning of
 * readings through drizzle-timescale's client, and prints the app's queries.
 *
 * With DATABASE_URL: that server, migrated beforehand (`bun run migrate`). Without: an embedded
 * TimescaleDB in memory, migrated here (the package's migrations, then the app's folder).
 * Re-running is safe: devices and readings are upserts.
 */
import { migrate as migrateApp } from 'drizzle-orm/pglite/migrator'
import { ClientFactory, type TimeSeriesInsert, type TimescaleClient, type TimescaleDatabase } from 'drizzle-timescale'
import { appMigrationsFolder } from './migrations.ts'
import { latestBySite, registerDevices, siteHours, siteReadings, siteSummary } from './queries.ts'

const morning = { from: '2024-01-15T08:00:00Z', to: '2024-01-15T11:00:00Z' }

async function openClient(): Promise<TimescaleClient<TimescaleDatabase>> {
  if (process.env.DATABASE_URL) return ClientFactory.fromEnvironment({ maxConnections: 2 })
  const client = await ClientFactory.embedded() // in memory, with the package's migrations
  await migrateApp(client.db, { migrationsFolder: appMigrationsFolder })
  return client
}

/** Every 10 minutes from 08:00 to 10:50: a daily-cycle-like ramp per device. */
function readings(): TimeSeriesInsert[] {
  const out: TimeSeriesInsert[] = []
  const base: Record<string, number> = { 'boiler-1': 60, 'boiler-2': 55, 'gate-1': 4 }
  for (const [device, start] of Object.entries(base)) {
    for (let i = 0; i < 18; i++) {
      const time = new Date(Date.parse(morning.from) + i * 10 * 60_000).toISOString()
      out.push({ entity_id: device, time, value: start + i / 2, metadata: { unit: '°C' } })
    }
  }
  return out
}

await using client = await openClient()
const health = await client.healthCheck()
console.log(`TimescaleDB ${health.timescaledbVersion} (license: ${health.license}) on ${health.database}`)

await registerDevices(client.db, [
  { device_id: 'boiler-1', site: 'plant-north', label: 'Boiler 1' },
  { device_id: 'boiler-2', site: 'plant-north', label: 'Boiler 2' },
  { device_id: 'gate-1', site: 'plant-south', label: 'Gate sensor' },
])
const batch = await client.insertManyRecords(readings())
console.log(`recorded ${batch.written} readings`)

console.log('\nper site (time_series_data joined with devices):')
for (const row of await siteSummary(client.db, morning)) {
  console.log(
    `  ${row.site}: ${row.devices} device${row.devices === 1 ? '' : 's'}, ${row.readings} readings, avg ${row.avg_value.toFixed(2)}, max ${row.max_value}`,
  )
}
const first = (await siteReadings(client.db, 'plant-south', morning))[0]
console.log(`first plant-south reading: ${first?.device_id} at ${first?.time}: ${first?.value}`)

if (health.license === 'timescale') {
  console.log('\nplant-north per hour (hourly_metrics joined with devices):')
  for (const hour of await siteHours(client.db, 'plant-north', morning)) {
    console.log(`  ${hour.hour}: ${hour.data_points} readings from ${hour.devices} devices, avg ${hour.avg_value.toFixed(2)}`)
  }
} else {
  // The Apache edition has no continuous aggregates: the package's migration skips hourly_metrics.
  console.log('\n(no hourly_metrics on the Apache edition of TimescaleDB: skipping the hourly query)')
}

console.log('\nlatest per plant-north device (getLatestValues):')
for (const latest of await latestBySite(client.db, 'plant-north')) {
  console.log(`  ${latest.entity_id}: ${latest.value} at ${latest.time}`)
}
