import type { BenchResults, Comparison, Database, Metric, TargetResult } from '../results.ts'
import { changesSection } from './changes-section.ts'
import { shortfallNotes } from './shortfall-notes.ts'

const DATABASE_NAMES: Record<Database, string> = {
  native: 'Native server',
  'native-tsl': 'Full-license server',
  embedded: 'Embedded database',
}
const n0 = (n: number) => Math.round(n).toLocaleString('en-US')
const x2 = (n: number) => `${n.toFixed(2)}x`
const ms = (n: number) => (n >= 100 ? n0(n) : n.toFixed(n >= 10 ? 1 : 2))

/** BENCHMARKS.md for a run. */
export function renderMarkdown(r: BenchResults): string {
  const out: string[] = []
  const minutes = (r.durationSeconds / 60).toFixed(1)
  out.push(
    '# Benchmarks',
    '',
    `Written by \`bun run bench\` on ${r.startedAt.slice(0, 10)} (${minutes} minutes${r.mode === 'smoke' ? ', **smoke sizes: correctness only, the numbers mean nothing**' : ''}), with [bench-results.json](bench-results.json) (every number, every sample) and [bench-ingest.svg](bench-ingest.svg). Sizes are flags: \`bun run bench --help\`.${
      r.keptFrom
        ? ` This run measured ${r.keptFrom.measured.join(', ')}; every other comparison is kept from the run of ${r.keptFrom.startedAt.slice(0, 10)} (\`--keep-others\`): compare ratios within a comparison, not across the two runs.`
        : ''
    }`,
    '',
    'Every comparison runs its contenders side by side, in the same run, on the same data, and the **ratio** is what to read: on this shared 2-core machine (client and server on the same cores, other jobs running) absolute numbers drift from run to run, the ratios much less. Ingest contenders take turns batch by batch (the first one rotates); queries alternate run by run and report the median.',
    '',
    '## Machine',
    '',
    '| | |',
    '| --- | --- |',
    `| CPU | ${r.machine.cpu}, ${r.machine.cores} cores |`,
    `| Memory | ${r.machine.memoryGiB} GiB |`,
    `| OS | ${r.machine.os} |`,
    `| Bun | ${r.machine.bun} |`,
  )
  if (r.databases.native) {
    const d = r.databases.native
    out.push(`| Native server | PostgreSQL ${d.postgres}, TimescaleDB ${d.timescaledb} (license \`${d.license}\`), on the same machine |`)
  }
  if (r.databases['native-tsl']) {
    const d = r.databases['native-tsl']
    out.push(
      `| Full-license server | PostgreSQL ${d.postgres}, TimescaleDB ${d.timescaledb} (license \`${d.license}\`, job scheduler running; the package's jobs paused in the scratch databases), on the same machine |`,
    )
  }
  if (r.databases.embedded) {
    const d = r.databases.embedded
    out.push(
      `| Embedded | PGlite, PostgreSQL ${d.postgres}, TimescaleDB ${d.timescaledb} (license \`${d.license}\`), in the benchmark's process |`,
    )
  }
  out.push(`| Load average (1, 5, 15 min) | ${r.machine.loadAverageAtStart} at the start, ${r.machine.loadAverageAtEnd} at the end |`, '')

  out.push('## Targets', '', '| target | goal | measured | |', '| --- | --- | --- | --- |')
  for (const t of r.targets) out.push(`| ${t.description} | ${t.goal} | ${t.value === null ? '—' : formatTarget(t)} | ${verdict(t)} |`)
  const notes = shortfallNotes(r)
  if (notes.length > 0) out.push('', '### Where a target is not met, and why', '', ...notes.map((n) => `- ${n}`))
  out.push('', ...byTargetSection(r))

  const ingest = r.comparisons.filter((c) => c.group === 'ingest')
  if (ingest.length > 0) {
    out.push('## Ingest', '', '![Ingest comparison](bench-ingest.svg)', '')
    for (const c of ingest) out.push(...ingestSection(c))
  }
  const queries = r.comparisons.filter((c) => c.group === 'queries')
  if (queries.length > 0 || r.metrics.length > 0) {
    out.push('## Queries', '')
    for (const c of queries) out.push(...querySection(c))
    out.push(...metricsSection(r.metrics))
  }
  out.push(...changesSection(r), ...methodSection())
  return `${out.join('\n')}\n`
}

function formatTarget(t: TargetResult): string {
  if (t.id === 'stream-rss') return `${(t.value as number).toFixed(1)} MB`
  if (t.id === 'compression') return `${(t.value as number).toFixed(1)}%`
  return x2(t.value as number)
}

const COLUMNS: ReadonlyArray<{ database: Database; header: string }> = [
  { database: 'embedded', header: 'embedded' },
  { database: 'native', header: 'native, Apache' },
  { database: 'native-tsl', header: 'native, full license' },
]

/** One row per measurement, a column per target: the same ratios side by side. */
function byTargetSection(r: BenchResults): string[] {
  const present = COLUMNS.filter((c) => r.databases[c.database])
  if (present.length < 2) return []
  const find = (id: string) => r.comparisons.find((c) => c.id === id)
  const ingestId = (db: Database) => (db === 'embedded' ? 'ingest.embedded' : db === 'native' ? 'ingest.main' : 'ingest.native-tsl.main')
  const ratioCell = (id: string, of: string, to: string) => {
    const v = find(id)?.ratios.find((x) => x.of === of && x.to === to)?.value
    return v === undefined ? '—' : x2(v)
  }
  const metricCell = (id: string, digits = 1) => {
    const m = r.metrics.find((x) => x.id === id)
    return m ? `${m.value.toFixed(digits)} ${m.unit}` : '—'
  }
  const rows: Array<[string, (db: Database) => string]> = [
    ['insertManyRecords vs raw COPY (rows/s)', (db) => ratioCell(ingestId(db), 'ours', 'raw-copy')],
    [
      "insertManyRecords vs Drizzle's naive upsert (rows/s)",
      (db) => (db === 'embedded' ? '—' : ratioCell(ingestId(db), 'ours', 'drizzle-naive')),
    ],
    ["getLatestValues vs the design's DISTINCT ON", (db) => ratioCell(`queries.${db}.latest`, 'ours', 'hand-written')],
    ['getTimeBuckets hourly, one entity, vs raw time_bucket', (db) => ratioCell(`queries.${db}.buckets-one`, 'ours', 'hand-written')],
    ['getTimeBuckets hourly, every entity, vs raw time_bucket', (db) => ratioCell(`queries.${db}.buckets-all`, 'ours', 'hand-written')],
    ['getRecords vs hand-written (speed)', (db) => ratioCell(`queries.${db}.records`, 'ours', 'hand-written')],
    ['streamRecords peak RSS growth (embedded: the WASM database in the same process)', (db) => metricCell(`queries.${db}.stream.rss`)],
    ['compression: space saved', (db) => metricCell(`queries.${db}.compression`)],
    [
      'getRecords, one day: compressed vs uncompressed chunks (speed)',
      (db) => ratioCell(`queries.${db}.compressed-records`, 'ours', 'uncompressed'),
    ],
    [
      '15-minute buckets, every entity, one day: compressed vs uncompressed (speed)',
      (db) => ratioCell(`queries.${db}.compressed-buckets`, 'ours', 'uncompressed'),
    ],
    ['Declared table: insertMany vs raw COPY (rows/s)', (db) => ratioCell(`declared.${db}.ingest`, 'ours', 'raw-copy')],
    [
      "Declared table: insertMany vs Drizzle's insert().onConflictDoUpdate()",
      (db) => ratioCell(`declared.${db}.ingest`, 'ours', 'drizzle-insert'),
    ],
    [
      'Append-only table with the columnstore: insertMany directCompress vs insertMany + compressChunks (rows/s)',
      (db) => ratioCell(`declared.${db}.direct-compress`, 'direct', 'plain-compress'),
    ],
    ['Declared table: latest() of every key vs DISTINCT ON', (db) => ratioCell(`declared.${db}.latest-all`, 'ours', 'distinct-on')],
    [
      'Declared table: latest({ since: a day ago }) vs DISTINCT ON',
      (db) => ratioCell(`declared.${db}.latest-since`, 'ours', 'distinct-on'),
    ],
    [
      'Declared table: daily buckets of one dense key vs raw time_bucket (full license, embedded: routed)',
      (db) => ratioCell(`declared.${db}.buckets-dense-key`, 'ours', 'raw'),
    ],
    [
      'Declared table: daily buckets of every key vs raw time_bucket (full license, embedded: routed)',
      (db) => ratioCell(`declared.${db}.buckets-all-keys`, 'ours', 'raw'),
    ],
    ['Declared table: range() vs a hand-written select (speed)', (db) => ratioCell(`declared.${db}.range`, 'ours', 'hand-written')],
  ]
  const versions = (db: Database) => {
    const d = r.databases[db]
    return d ? ` (${d.timescaledb})` : ''
  }
  return [
    '## By target',
    '',
    'The same comparisons on each database of the run; more than 1x means ours (or the compressed read) is faster. The sizes differ per target (see each section): compare ratios down a column, and across a row only as ratios.',
    '',
    `| | ${present.map((c) => `${c.header}${versions(c.database)}`).join(' | ')} |`,
    `| --- | ${present.map(() => '---:').join(' | ')} |`,
    ...rows.map(([label, cell]) => `| ${label} | ${present.map((c) => cell(c.database)).join(' | ')} |`),
    '',
  ]
}

function verdict(t: TargetResult): string {
  if (t.met === null) return 'not measured'
  return t.met ? 'met' : `**not met**: ${t.note}`
}

function checksLine(c: Comparison): string {
  if (c.checks.length === 0) return ''
  const failed = c.checks.filter((k) => !k.ok)
  return failed.length === 0
    ? `Checks passed: ${c.checks.map((k) => k.name).join('; ')}.`
    : `**Checks failed**: ${failed.map((k) => `${k.name} (${k.detail})`).join('; ')}.`
}

function params(c: Comparison): string {
  return Object.entries(c.params)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? n0(v) : v}`)
    .join(', ')
}

function ingestSection(c: Comparison): string[] {
  const ours = c.entries.find((e) => e.name === 'ours')?.value
  const lines = [`### ${c.title}`, '', `${c.database}; ${params(c)}.`, '', '| contender | rows/s | ours vs it |', '| --- | ---: | ---: |']
  for (const e of c.entries) lines.push(`| ${e.label} | ${n0(e.value)} | ${e.name === 'ours' || !ours ? '' : x2(ours / e.value)} |`)
  lines.push('')
  if (c.ratios.length > 0) lines.push(`Ratios (rows/s): ${c.ratios.map((x) => `${x.of} / ${x.to} = **${x2(x.value)}**`).join(', ')}.`, '')
  if (c.note) lines.push(c.note, '')
  lines.push(checksLine(c), '')
  return lines
}

function querySection(c: Comparison): string[] {
  const lines = [`### ${DATABASE_NAMES[c.database]}: ${c.title}`, '', `${params(c)}.`, '']
  if (c.unit === 'ms') {
    lines.push('| contender | median ms | runs (ms) |', '| --- | ---: | --- |')
    for (const e of c.entries) lines.push(`| ${e.label} | ${ms(e.value)} | ${(e.samples ?? []).map(ms).join(', ')} |`)
    const x = c.ratios[0]
    const other = x?.to === 'hand-written' ? "the hand-written query's" : `the ${x?.to} read's`
    if (x) lines.push('', x.value >= 1 ? `Ours is **${x2(x.value)}** faster.` : `Ours takes **${x2(1 / x.value)}** ${other} time.`)
  } else {
    for (const e of c.entries) lines.push(`${e.label}: **${n0(e.value)} rows/s**.`)
  }
  lines.push('')
  if (c.note) lines.push(c.note, '')
  lines.push(checksLine(c), '')
  return lines
}

function metricsSection(metrics: readonly Metric[]): string[] {
  if (metrics.length === 0) return []
  const lines = ['### Single measurements', '', '| | database | value | |', '| --- | --- | ---: | --- |']
  for (const m of metrics)
    lines.push(
      `| ${m.title} | ${m.database} | ${m.unit === 'rows/s' ? n0(m.value) : m.value.toFixed(m.unit === 'ms' ? 0 : 1)} ${m.unit} | ${m.note ?? ''} |`,
    )
  return [...lines, '']
}

function methodSection(): string[] {
  return [
    '## How it is measured',
    '',
    "- **Databases.** The native servers are started by `scripts/native-db-start.sh` (the Apache edition, or `BENCH_DATABASE_URL`) and `TSDB_NATIVE_EDITION=tsl scripts/native-db-start.sh` (the full license, or `BENCH_TSL_DATABASE_URL`); every table lives in a scratch database created for the run and migrated with `migrate(db, { pauseJobs: true })` (the full-license server's scheduler would otherwise drop and compress the 2024 data while it is measured), then dropped. On the full-license server `hourly_metrics` is refreshed like on the embedded database, and after the query comparisons the older half of the chunks is compressed with `compress_chunk`: the space saved (`chunk_compression_stats`) and reads of a compressed day against an uncompressed one, side by side. The embedded database is `createEmbeddedDatabase()` / `createTestDatabase()`, in the benchmark's process.",
    "- **Ingest.** Generated records: one reading per entity every 10 seconds (a live feed), four values, a small JSON metadata object; the schema with all its indexes (primary key, time, value, GIN on metadata). Each contender writes into its own table; at every batch the contenders take turns, the first one rotating; each contender's time is the sum of its batches. Afterwards every table is compared by row count and a digest of every column of every row: all contenders must have written the same rows. Ours runs through `ClientFactory.fromConnectionString` (native) or `ClientFactory.fromDrizzle` (embedded) with default options unless the row says otherwise.",
    '- **50% conflicts.** Every other record is written first (not timed, by COPY); then every contender upserts all of them with new values: half updates, half inserts, interleaved.',
    "- **Queries.** The data is written server-side by one `INSERT ... SELECT` over `generate_series` (not timed): every entity evenly spaced over the period, one entity (`entity-0000`) holding the streamed rows; secondary indexes built after the load, then `ANALYZE`. On the embedded database `hourly_metrics` is refreshed up to 2 hours before the end, so the newest hours are read from the table (the real-time tail). The baselines are the design's own queries (ARCHITECTURE.md), hand-written. Each pair runs once to warm up (both answers are compared), then alternately; the median is reported.",
    "- **streamRecords** runs in a fresh process on the native server, so that its resident set size is the stream's alone; RSS is sampled every 1,000 rows and every 20 ms.",
    '',
  ]
}
