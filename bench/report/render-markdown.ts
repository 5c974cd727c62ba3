import type { BenchResults, Comparison, Metric, TargetResult } from '../results.ts'
import { changesSection } from './changes-section.ts'
import { shortfallNotes } from './shortfall-notes.ts'

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
    `Written by \`bun run bench\` on ${r.startedAt.slice(0, 10)} (${minutes} minutes${r.mode === 'smoke' ? ', **smoke sizes: correctness only, the numbers mean nothing**' : ''}), with [bench-results.json](bench-results.json) (every number, every sample) and [bench-ingest.svg](bench-ingest.svg). Sizes are flags: \`bun run bench --help\`.`,
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
  if (r.databases.embedded) {
    const d = r.databases.embedded
    out.push(`| Embedded | PGlite, PostgreSQL ${d.postgres}, TimescaleDB ${d.timescaledb} (license \`${d.license}\`), in the benchmark's process |`)
  }
  out.push(`| Load average (1, 5, 15 min) | ${r.machine.loadAverageAtStart} at the start, ${r.machine.loadAverageAtEnd} at the end |`, '')

  out.push('## Targets', '', '| target | goal | measured | |', '| --- | --- | --- | --- |')
  for (const t of r.targets) out.push(`| ${t.description} | ${t.goal} | ${t.value === null ? '—' : formatTarget(t)} | ${verdict(t)} |`)
  const notes = shortfallNotes(r)
  if (notes.length > 0) out.push('', '### Where a target is not met, and why', '', ...notes.map((n) => `- ${n}`))
  out.push('')

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
  return t.id === 'stream-rss' ? `${(t.value as number).toFixed(1)} MB` : x2(t.value as number)
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
  const lines = [`### ${c.database === 'native' ? 'Native server' : 'Embedded database'}: ${c.title}`, '', `${params(c)}.`, '']
  if (c.unit === 'ms') {
    lines.push('| contender | median ms | runs (ms) |', '| --- | ---: | --- |')
    for (const e of c.entries) lines.push(`| ${e.label} | ${ms(e.value)} | ${(e.samples ?? []).map(ms).join(', ')} |`)
    const x = c.ratios[0]
    if (x) lines.push('', x.value >= 1 ? `Ours is **${x2(x.value)}** faster.` : `Ours takes **${x2(1 / x.value)}** the hand-written query's time.`)
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
  for (const m of metrics) lines.push(`| ${m.title} | ${m.database} | ${m.unit === 'rows/s' ? n0(m.value) : m.value.toFixed(m.unit === 'ms' ? 0 : 1)} ${m.unit} | ${m.note ?? ''} |`)
  return [...lines, '']
}

function methodSection(): string[] {
  return [
    '## How it is measured',
    '',
    '- **Databases.** The native server is started by `scripts/native-db-start.sh` (or `BENCH_DATABASE_URL`); every table lives in a scratch database created for the run and migrated with `migrate(db)`, then dropped. The embedded database is `createEmbeddedDatabase()` / `createTestDatabase()`, in the benchmark\'s process.',
    "- **Ingest.** Generated records: one reading per entity every 10 seconds (a live feed), four values, a small JSON metadata object; the schema with all its indexes (primary key, time, value, GIN on metadata). Each contender writes into its own table; at every batch the contenders take turns, the first one rotating; each contender's time is the sum of its batches. Afterwards every table is compared by row count and a digest of every column of every row: all contenders must have written the same rows. Ours runs through `ClientFactory.fromConnectionString` (native) or `ClientFactory.fromDrizzle` (embedded) with default options unless the row says otherwise.",
    '- **50% conflicts.** Every other record is written first (not timed, by COPY); then every contender upserts all of them with new values: half updates, half inserts, interleaved.',
    '- **Queries.** The data is written server-side by one `INSERT ... SELECT` over `generate_series` (not timed): every entity evenly spaced over the period, one entity (`entity-0000`) holding the streamed rows; secondary indexes built after the load, then `ANALYZE`. On the embedded database `hourly_metrics` is refreshed up to 2 hours before the end, so the newest hours are read from the table (the real-time tail). The baselines are the design\'s own queries (ARCHITECTURE.md), hand-written. Each pair runs once to warm up (both answers are compared), then alternately; the median is reported.',
    '- **streamRecords** runs in a fresh process on the native server, so that its resident set size is the stream\'s alone; RSS is sampled every 1,000 rows and every 20 ms.',
    '',
  ]
}
