#!/usr/bin/env bun
/*
 * `bun run bench`: ingest and query comparisons on the two native servers (Apache edition, and
 * full license with its scheduler; the package's jobs paused in every scratch database) and the embedded database,
 * written to BENCHMARKS.md, bench-results.json and bench-ingest.svg. `--smoke` runs tiny sizes
 * into a temporary directory and fails (exit 1) when any contender wrote or answered differently.
 * Flags: `bun run bench --help`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ClientFactory, type TimescaleClient } from '../src/client/index.ts'
import { createEmbeddedDatabase } from '../src/embedded/index.ts'
import type { AnyPgDatabase } from '../src/internal/query-rows.ts'
import { createTestDatabase } from '../src/testing/index.ts'
import { type BenchOptions, parseBenchOptions } from './bench-options.ts'
import { embeddedDeclared, nativeDeclared } from './declared/declared-databases.ts'
import { compressedUpserts } from './ingest/compressed-upserts.ts'
import { embeddedIngest } from './ingest/embedded-ingest.ts'
import { fmt, nativeIngest } from './ingest/native-ingest.ts'
import { loadAverage, machineInfo } from './machine-info.ts'
import { openNativeServer } from './native-server.ts'
import { embeddedQueries } from './queries/embedded-queries.ts'
import { nativeQueries } from './queries/native-queries.ts'
import { evaluateTargets } from './report/evaluate-targets.ts'
import { ingestSvg } from './report/ingest-svg.ts'
import { renderMarkdown } from './report/render-markdown.ts'
import { type BenchResults, failedChecks } from './results.ts'
import { log } from './timing.ts'

let options: BenchOptions
try {
  options = parseBenchOptions(process.argv.slice(2), process.env)
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(2)
}

const started = new Date()
const results: BenchResults = {
  mode: options.smoke ? 'smoke' : 'full',
  startedAt: started.toISOString(),
  finishedAt: '',
  durationSeconds: 0,
  machine: machineInfo(),
  databases: {},
  options: { ...options, outDir: undefined },
  comparisons: [],
  metrics: [],
  targets: [],
}

/** 100 entities a minute for a day: 144,000 keys a day, three repeats (smoke: 5 entities, once). */
const compressedSizes = options.smoke ? { entities: 5, repeats: 1 } : { entities: 100, repeats: 3 }

if (options.native) {
  const server = await openNativeServer(options.nativeUrl)
  try {
    if (options.parts.includes('native-ingest')) results.comparisons.push(...(await nativeIngest(server, options)))
    if (options.parts.includes('native-queries')) {
      const queries = await nativeQueries(server, options)
      results.comparisons.push(...queries.comparisons)
      results.metrics.push(...queries.metrics)
    }
    if (options.parts.includes('native-declared')) results.comparisons.push(...(await nativeDeclared(server, options, 'native')))
    results.databases.native = server.versions
  } finally {
    await server.close()
  }
}

if (options.tsl) {
  const server = await openNativeServer(options.tslUrl, 'tsl')
  try {
    if (options.parts.includes('tsl-ingest')) {
      results.comparisons.push(...(await nativeIngest(server, options, 'native-tsl')))
      log('upserts into compressed vs uncompressed history (native-tsl)')
      const scratch = await server.scratch('compressed-upserts')
      const client = await ClientFactory.fromConnectionString(scratch.url)
      try {
        results.comparisons.push(
          await compressedUpserts('native-tsl', client as unknown as TimescaleClient<AnyPgDatabase>, compressedSizes),
        )
      } finally {
        await client.close()
      }
    }
    if (options.parts.includes('tsl-queries')) {
      const queries = await nativeQueries(server, options, 'native-tsl')
      results.comparisons.push(...queries.comparisons)
      results.metrics.push(...queries.metrics)
    }
    if (options.parts.includes('tsl-declared')) results.comparisons.push(...(await nativeDeclared(server, options, 'native-tsl')))
    results.databases['native-tsl'] = server.versions
  } finally {
    await server.close()
  }
}

if (options.embedded) {
  if (options.parts.includes('embedded-ingest')) {
    results.comparisons.push(await embeddedIngest(options))
    log('upserts into compressed vs uncompressed history (embedded)')
    const tsdb = await createTestDatabase()
    const client = await ClientFactory.fromDrizzle(tsdb.db)
    try {
      results.comparisons.push(await compressedUpserts('embedded', client as unknown as TimescaleClient<AnyPgDatabase>, compressedSizes))
    } finally {
      await client.close()
      await tsdb.close()
    }
  }
  if (options.parts.includes('embedded-queries')) {
    const queries = await embeddedQueries(options)
    results.comparisons.push(...queries.comparisons)
    results.metrics.push(...queries.metrics)
  }
  if (options.parts.includes('embedded-declared')) results.comparisons.push(...(await embeddedDeclared(options)))
  results.databases.embedded = await embeddedVersions()
}

if (options.keepOthers) keepOthers(results, join(options.outDir, 'bench-results.json'))

const finished = new Date()
results.finishedAt = finished.toISOString()
results.durationSeconds = Math.round((finished.getTime() - started.getTime()) / 1000)
results.machine.loadAverageAtEnd = loadAverage()
results.targets = evaluateTargets(results)

mkdirSync(options.outDir, { recursive: true })
writeFileSync(join(options.outDir, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(join(options.outDir, 'BENCHMARKS.md'), renderMarkdown(results))
const charted = results.comparisons.filter((c) => c.id === 'ingest.main' || c.id === 'ingest.native-tsl.main' || c.id === 'ingest.embedded')
writeFileSync(
  join(options.outDir, 'bench-ingest.svg'),
  ingestSvg(
    'Ingest with upsert semantics: rows/s, same rows, same run',
    charted,
    `${results.machine.cpu}, ${results.machine.cores} cores; ${fmt(options.entities)} entities; ${results.startedAt.slice(0, 10)}. Higher is better.`,
  ),
)
log(`wrote BENCHMARKS.md, bench-results.json, bench-ingest.svg to ${options.outDir} (${results.durationSeconds} s)`)
for (const t of results.targets)
  log(
    `target ${t.id}: ${t.value === null ? 'not measured' : t.value.toFixed(2)} ${t.goal} ${t.met === null ? '' : t.met ? 'met' : 'NOT MET'}`,
  )

const failed = failedChecks(results)
for (const f of failed) log(`CHECK FAILED ${f.comparison}: ${f.name} (${f.detail})`)
process.stdout.write(
  `${JSON.stringify({ outDir: options.outDir, failedChecks: failed.length, durationSeconds: results.durationSeconds })}\n`,
)
process.exit(failed.length === 0 ? 0 : 1)

/** Adds the previous run's comparisons and metrics that this run did not measure (`--keep-others`). */
function keepOthers(results: BenchResults, path: string): void {
  if (!existsSync(path)) return
  const previous = JSON.parse(readFileSync(path, 'utf8')) as BenchResults
  const measured = new Set(results.comparisons.map((c) => c.id))
  const measuredMetrics = new Set(results.metrics.map((m) => m.id))
  results.comparisons = [...previous.comparisons.filter((c) => !measured.has(c.id)), ...results.comparisons]
  results.metrics = [...previous.metrics.filter((m) => !measuredMetrics.has(m.id)), ...results.metrics]
  results.databases = { ...previous.databases, ...results.databases }
  results.keptFrom = { startedAt: previous.keptFrom?.startedAt ?? previous.startedAt, measured: options.parts }
}

async function embeddedVersions(): Promise<Record<string, string>> {
  const tsdb = await createEmbeddedDatabase({ migrate: false })
  try {
    const [row] = (
      await tsdb.pglite.query<{
        postgres: string
        timescaledb: string
        license: string
      }>(`select current_setting('server_version') as postgres,
        (select extversion from pg_extension where extname = 'timescaledb') as timescaledb, current_setting('timescaledb.license', true) as license`)
    ).rows
    return { postgres: String(row?.postgres), timescaledb: String(row?.timescaledb), license: String(row?.license) }
  } finally {
    await tsdb.close()
  }
}
