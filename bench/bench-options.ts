import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** What `bun run bench` measures, and where it writes. Every size is a flag. */
export interface BenchOptions {
  smoke: boolean
  /** Keep the comparisons and metrics of the previous bench-results.json in `outDir` that this run does not measure. */
  keepOthers: boolean
  /** Where BENCHMARKS.md, bench-results.json and bench-ingest.svg go. */
  outDir: string
  native: boolean
  /** A server URL (else BENCH_DATABASE_URL, else the project's scripts/native-db-start.sh). */
  nativeUrl: string | undefined
  /** The full-license server is measured too. */
  tsl: boolean
  /** Its URL (else BENCH_TSL_DATABASE_URL, else `TSDB_NATIVE_EDITION=tsl scripts/native-db-start.sh`). */
  tslUrl: string | undefined
  embedded: boolean
  /** The parts to run (all by default). */
  parts: Part[]
  entities: number
  /** The main ingest comparison. */
  ingestRows: number
  batchSize: number
  sweepRows: number
  batchSizes: number[]
  conflictRows: number
  parallelRows: number
  writers: number[]
  /** Queries on the native server. */
  queryRows: number
  streamRows: number
  days: number
  /** Timed runs of each query (the median is reported). */
  repeats: number
  /** The embedded column. */
  embeddedIngestRows: number
  embeddedQueryRows: number
  embeddedStreamRows: number
  coldStarts: number
  /** A project's own declared table: rows per ingest run, devices and days of the query data (native; embedded a quarter of the devices, two days). */
  declaredRows: number
  declaredDevices: number
  declaredDays: number
}

/** The parts of a run: `native-*` on the Apache server, `tsl-*` on the full-license one (main ingest comparisons, queries, compression). */
export const PARTS = [
  'native-ingest',
  'native-queries',
  'native-declared',
  'tsl-ingest',
  'tsl-queries',
  'tsl-declared',
  'embedded-ingest',
  'embedded-queries',
  'embedded-declared',
] as const
export type Part = (typeof PARTS)[number]

const DEFAULTS: Omit<BenchOptions, 'smoke' | 'keepOthers' | 'outDir' | 'native' | 'nativeUrl' | 'tsl' | 'tslUrl' | 'embedded' | 'parts'> = {
  entities: 1000,
  ingestRows: 1_000_000,
  batchSize: 10_000,
  sweepRows: 200_000,
  batchSizes: [1000, 5000, 10_000, 50_000],
  conflictRows: 200_000,
  parallelRows: 200_000,
  writers: [1, 2, 4],
  queryRows: 5_000_000,
  streamRows: 2_000_000,
  days: 30,
  repeats: 9,
  embeddedIngestRows: 100_000,
  embeddedQueryRows: 1_000_000,
  embeddedStreamRows: 200_000,
  coldStarts: 3,
  declaredRows: 200_000,
  declaredDevices: 200,
  declaredDays: 7,
}

// Tiny sizes: every path runs and every contender's rows are compared, in seconds.
const SMOKE: typeof DEFAULTS = {
  entities: 20,
  ingestRows: 2000,
  batchSize: 500,
  sweepRows: 1000,
  batchSizes: [200, 500],
  conflictRows: 1000,
  parallelRows: 1200,
  writers: [1, 2],
  queryRows: 6000,
  streamRows: 1500,
  days: 2,
  repeats: 1,
  embeddedIngestRows: 600,
  embeddedQueryRows: 3000,
  embeddedStreamRows: 800,
  coldStarts: 1,
  declaredRows: 2000,
  declaredDevices: 8,
  declaredDays: 2,
}

const USAGE = `bun run bench [flags]

  --smoke                 tiny sizes, correctness only (results go to a temporary directory)
  --keep-others           with --only: keep the other comparisons of the previous bench-results.json in the out directory
  --out DIR               where to write BENCHMARKS.md, bench-results.json, bench-ingest.svg
  --native-url URL        the server to use (default: $BENCH_DATABASE_URL, else scripts/native-db-start.sh)
  --no-native             skip the native server
  --tsl-url URL           the full-license server (default: $BENCH_TSL_DATABASE_URL, else
                          TSDB_NATIVE_EDITION=tsl scripts/native-db-start.sh)
  --no-tsl                skip the full-license server
  --no-embedded           skip the embedded database
  --only A,B,...          run only these parts: ${PARTS.join(', ')}
  --entities N            entities of every load (${DEFAULTS.entities})
  --ingest-rows N         rows of the main ingest comparison (${DEFAULTS.ingestRows})
  --batch N               rows per call in the main comparison (${DEFAULTS.batchSize})
  --sweep-rows N          rows per batch size of the sweep (${DEFAULTS.sweepRows})
  --batch-sizes A,B,...   the sweep's batch sizes (${DEFAULTS.batchSizes.join(',')})
  --conflict-rows N       rows of the 50%-conflicting upsert (${DEFAULTS.conflictRows})
  --parallel-rows N       rows per writer count (${DEFAULTS.parallelRows})
  --writers A,B,...       parallel writer counts (${DEFAULTS.writers.join(',')})
  --query-rows N          rows of the native query data (${DEFAULTS.queryRows})
  --stream-rows N         rows of the streamed entity, part of --query-rows (${DEFAULTS.streamRows})
  --days N                days covered by the query data (${DEFAULTS.days})
  --repeats N             timed runs per query: fewer for slow ones (at least 3), up to 5x for fast ones (${DEFAULTS.repeats})
  --embedded-ingest-rows N   (${DEFAULTS.embeddedIngestRows})
  --embedded-query-rows N    (${DEFAULTS.embeddedQueryRows})
  --embedded-stream-rows N   (${DEFAULTS.embeddedStreamRows})
  --cold-starts N         embedded cold starts measured (${DEFAULTS.coldStarts})
  --declared-rows N       rows per ingest run into a declared table (${DEFAULTS.declaredRows})
  --declared-devices N    keys of the declared table's query data (${DEFAULTS.declaredDevices})
  --declared-days N       days of a reading a minute per key (${DEFAULTS.declaredDays})
`

const NUMBER_FLAGS: Record<string, keyof typeof DEFAULTS> = {
  '--entities': 'entities',
  '--ingest-rows': 'ingestRows',
  '--batch': 'batchSize',
  '--sweep-rows': 'sweepRows',
  '--conflict-rows': 'conflictRows',
  '--parallel-rows': 'parallelRows',
  '--query-rows': 'queryRows',
  '--stream-rows': 'streamRows',
  '--days': 'days',
  '--repeats': 'repeats',
  '--embedded-ingest-rows': 'embeddedIngestRows',
  '--embedded-query-rows': 'embeddedQueryRows',
  '--embedded-stream-rows': 'embeddedStreamRows',
  '--cold-starts': 'coldStarts',
  '--declared-rows': 'declaredRows',
  '--declared-devices': 'declaredDevices',
  '--declared-days': 'declaredDays',
}

/** Reads the flags; throws with the usage text on a bad one. */
export function parseBenchOptions(argv: readonly string[], env: Record<string, string | undefined>): BenchOptions {
  const smoke = argv.includes('--smoke')
  const sizes: typeof DEFAULTS = { ...(smoke ? SMOKE : DEFAULTS) }
  let outDir: string | undefined
  let nativeUrl = env.BENCH_DATABASE_URL || undefined
  let native = true
  let tslUrl = env.BENCH_TSL_DATABASE_URL || undefined
  let tsl = true
  let embedded = true
  let parts: Part[] = [...PARTS]
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`)
      return v
    }
    if (flag === '--smoke' || flag === '--keep-others') continue
    if (flag === '--help' || flag === '-h') throw new Error(USAGE)
    if (flag === '--out') outDir = resolve(value())
    else if (flag === '--native-url') nativeUrl = value()
    else if (flag === '--no-native') native = false
    else if (flag === '--tsl-url') tslUrl = value()
    else if (flag === '--no-tsl') tsl = false
    else if (flag === '--no-embedded') embedded = false
    else if (flag === '--only') {
      parts = value().split(',') as Part[]
      const unknown = parts.find((p) => !PARTS.includes(p))
      if (unknown) throw new Error(`--only: unknown part ${unknown} (parts: ${PARTS.join(', ')})`)
    } else if (flag === '--batch-sizes' || flag === '--writers') {
      const list = value().split(',').map(positiveInteger(flag))
      if (flag === '--writers') sizes.writers = list
      else sizes.batchSizes = list
    } else if (flag in NUMBER_FLAGS)
      sizes[NUMBER_FLAGS[flag] as Exclude<keyof typeof DEFAULTS, 'batchSizes' | 'writers'>] = positiveInteger(flag)(value())
    else throw new Error(`unknown flag ${flag}\n\n${USAGE}`)
  }
  if (sizes.streamRows >= sizes.queryRows) throw new Error('--stream-rows must be less than --query-rows')
  if (sizes.embeddedStreamRows >= sizes.embeddedQueryRows) throw new Error('--embedded-stream-rows must be less than --embedded-query-rows')
  if (sizes.entities < 2) throw new Error('--entities must be at least 2')
  // The smoke never overwrites the committed results.
  const out = outDir ?? (smoke ? mkdtempSync(join(tmpdir(), 'bench-smoke-')) : resolve(import.meta.dir, '..'))
  if (!native) parts = parts.filter((p) => !p.startsWith('native'))
  if (!embedded) parts = parts.filter((p) => !p.startsWith('embedded'))
  if (!tsl) parts = parts.filter((p) => !p.startsWith('tsl'))
  const has = (prefix: string) => parts.some((p) => p.startsWith(prefix))
  const keepOthers = argv.includes('--keep-others')
  return {
    smoke,
    keepOthers,
    outDir: out,
    native: has('native'),
    nativeUrl,
    tsl: has('tsl'),
    tslUrl,
    embedded: has('embedded'),
    parts,
    ...sizes,
  }
}

function positiveInteger(flag: string) {
  return (text: string): number => {
    const n = Number(text.replaceAll('_', ''))
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, not ${text}`)
    return n
  }
}
