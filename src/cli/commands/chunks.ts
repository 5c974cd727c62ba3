import type { ChunkWindow } from '../../operations/index.ts'
import { compressChunks, decompressChunks, dropChunks, listChunks } from '../../operations/index.ts'
import { chunkProgress } from '../chunk-progress.ts'
import type { Command } from '../cli-context.ts'
import { formatBytes, formatTable } from '../format-table.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { operationUsage } from '../operation-usage.ts'
import { parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale chunks [list] <table> [--older-than <t>] [--newer-than <t>] [--json]
       drizzle-timescale chunks compress|decompress|drop <table> --older-than <t> [--newer-than <t>] [--json]

The chunks of a hypertable (the package's time_series_data or one of yours: 'readings',
'metrics.readings'), oldest first: time range, hash partition, size, and whether each is compressed
with its size before and after. With an action, on the chunks of the window:

  compress    move them to the columnstore (one chunk per transaction; compressed ones are skipped)
  decompress  move them back to the rowstore (a compression policy compresses them again:
              pause it with 'drizzle-timescale jobs pause <id>')
  drop        drop them and their rows (in calls sized for max_locks_per_transaction)

Each is idempotent: run it again and it does nothing more. compress and decompress need the Timescale
license (on the Apache edition, list and drop work). Progress goes to stderr.

  drizzle-timescale chunks readings
  drizzle-timescale chunks compress readings --older-than '7 days'
  drizzle-timescale chunks drop readings --older-than 2024-01-01T00:00:00Z --json

<t>: an interval before now ('30 days'), an instant with an offset (2025-01-01T00:00:00Z), or an
integer for an integer time column. --older-than takes chunks that end at or before it,
--newer-than those that start at or after it.

Options:
  --older-than <t>  chunks wholly before <t>
  --newer-than <t>  chunks wholly at or after <t>
  --json            print the result as JSON (the chunks, or what the action changed)
  --data-dir <dir>  the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug           print the stack trace of a failure
`

const ACTIONS = ['list', 'compress', 'decompress', 'drop'] as const

/** `chunks`: list, compress, decompress or drop the chunks of a hypertable in a window. */
export const chunksCommand: Command = {
  name: 'chunks',
  summary: 'list, compress, decompress or drop the chunks of a hypertable in a time window',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs(
      'chunks',
      argv,
      { 'older-than': { type: 'string' }, 'newer-than': { type: 'string' }, json: { type: 'boolean' } },
      2,
    )
    const [first, second] = args.positionals
    const action = (ACTIONS as readonly string[]).includes(first ?? '') ? (first as (typeof ACTIONS)[number]) : 'list'
    const table = action === 'list' && first !== 'list' ? first : second
    if (table === undefined) throw new UsageError('chunks: name the hypertable (see drizzle-timescale chunks --help)')
    if (action === 'list' && first !== 'list' && second !== undefined) {
      throw new UsageError(`chunks: unknown action '${first}' (actions: ${ACTIONS.join(', ')})`)
    }
    const window: ChunkWindow = {}
    const older = stringOption(args, 'older-than')
    const newer = stringOption(args, 'newer-than')
    if (older !== undefined) window.olderThan = bound(older)
    if (newer !== undefined) window.newerThan = bound(newer)
    if ((action === 'compress' || action === 'decompress') && older === undefined && newer === undefined) {
      throw new UsageError(`chunks ${action}: give --older-than or --newer-than (the newest chunk is still written to)`)
    }
    const target = await openCliDatabase(args, context, 'chunks')
    try {
      if (action === 'list') {
        const chunks = await operationUsage('chunks', () => listChunks(target.db, table, window))
        if (args.values.json) context.stdout.write(`${JSON.stringify({ table, chunks }, null, 2)}\n`)
        else context.stdout.write(`${formatChunks(table, chunks)}\n`)
        return ExitCode.OK
      }
      const progress = chunkProgress(context.stderr, `${action} ${table}`)
      const operation = { compress: compressChunks, decompress: decompressChunks, drop: dropChunks }[action]
      const run = await operationUsage('chunks', () => operation(target.db, table, { ...window, onProgress: progress.update }))
      progress.done()
      if (args.values.json) context.stdout.write(`${JSON.stringify({ table, action, ...run }, null, 2)}\n`)
      else {
        const verb = { compress: 'compressed', decompress: 'decompressed', drop: 'dropped' }[action]
        const unchanged = run.unchanged > 0 ? `, ${run.unchanged} already ${verb}` : ''
        context.stdout.write(
          `${table}: ${run.chunks.length} chunk${run.chunks.length === 1 ? '' : 's'} ${verb}${unchanged} in ${(run.durationMs / 1000).toFixed(1)} s\n`,
        )
      }
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}

/** A bound as the command line gives it: an integer for an integer time column, else the text (an interval or an instant). */
function bound(text: string): string | number {
  return /^-?\d+$/.test(text.trim()) ? Number(text) : text
}

function formatChunks(table: string, chunks: Awaited<ReturnType<typeof listChunks>>): string {
  if (chunks.length === 0) return `${table}: no chunks in this window`
  const compressed = chunks.filter((c) => c.compressed).length
  const rows = chunks.map((c) => [
    c.chunk,
    String(c.rangeStart ?? ''),
    String(c.rangeEnd ?? ''),
    c.partitions.map((p) => `${p.column} [${p.start}, ${p.end})`).join(' '),
    c.compressed ? 'yes' : 'no',
    formatBytes(c.totalBytes),
    c.compressed ? `${formatBytes(c.beforeCompressionBytes)} -> ${formatBytes(c.afterCompressionBytes)}` : '',
  ])
  const header = `${table}: ${chunks.length} chunk${chunks.length === 1 ? '' : 's'}, ${compressed} compressed`
  return `${header}\n${formatTable(
    [
      { header: 'chunk' },
      { header: 'from' },
      { header: 'to' },
      { header: 'partition' },
      { header: 'compressed' },
      { header: 'size', align: 'right' },
      { header: 'before -> after' },
    ],
    rows,
    '  ',
  )}`
}
