import { existsSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../internal/query-rows.ts'
import { readPolicies } from '../../policies/index.ts'
import type { Command } from '../cli-context.ts'
import { declaredTable } from '../declared-table.ts'
import { parseImportMapping } from '../import/import-mapping.ts'
import { IMPORT_FORMATS, type ImportFormat, ImportReader } from '../import/import-reader.ts'
import { RejectsWriter } from '../import/rejects-writer.ts'
import { runImport } from '../import/run-import.ts'
import { parseTableMapping, type TableRowReader, tableRowReader } from '../import/table-rows.ts'
import { type CliDatabase, openCliDatabase } from '../open-cli-database.ts'
import { integerOption, parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { formatCount, ProgressReporter } from '../progress-reporter.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

/** Backoff from 250 ms doubling to 5 s, 8 retries: up to ~25 s of waiting for a server to come back. */
const IMPORT_RETRY = { maxRetries: 8, retryBaseDelayMs: 250, retryMaxDelayMs: 5000 }

/** Rejected rows printed on stderr; the rest are counted (and all are in the rejects file). */
const PRINTED_REJECTS = 20

const HELP = `Usage: drizzle-timescale import <file> [--format csv|ndjson] [--batch-size 5000] [--rejects <file>]
                                [--map <record column>=<file column>,...] [--entity <id>] [--metadata <columns>|*]
                                [--time-zone <zone>] [--time-format iso|epoch-s|epoch-ms]
       drizzle-timescale import <file> --table <name> [--config drizzle.config.ts] [--schema <file>]
                                [--map <table column>=<file column>,...] [--time-zone <zone>] [--time-format ...]

Loads records into time_series_data: validated, upserted in batches (a row with the same
entity_id and time overwrites the stored one, so re-running an import is safe). Bad rows are
reported with their line numbers and skipped; the good ones are written. The file is streamed,
never read whole. <file> may be - for standard input (then --format is required).

CSV: a header row of the record's columns: entity_id, time, value (required), value2, value3,
value4, metadata (a JSON object, as a quoted field). RFC 4180 quoting. time is ISO 8601 with a
zone offset (2024-01-15T10:30:00Z). An empty value2..value4 or metadata is null.
  entity_id,time,value,value2,metadata
  temp_sensor_01,2024-01-15T10:30:00Z,23.5,65.2,"{""room"":""server_room""}"
NDJSON: one JSON object a line with the same keys.
  {"entity_id":"temp_sensor_01","time":"2024-01-15T10:30:00Z","value":23.5,"metadata":{"room":"a"}}

A file in another shape is mapped: --map names the file's column for each record column
(unmapped ones read a column of their own name), --entity gives one entity id to every row,
--metadata gathers the named columns (or * for all the others) into metadata as text,
--time-zone reads times without an offset (2012-01-01, 2012-01-01 10:30) as wall-clock times
in that zone (DST included), --time-format reads epoch seconds or milliseconds.
  drizzle-timescale import weather.csv --map entity_id=location,time=date,value=temp_max,value2=temp_min \\
    --metadata weather --time-zone America/Los_Angeles
Rows older than the retention policy's horizon (1 year unless changed with drizzle-timescale
policies) are written, with a warning on stderr first: the scheduler drops their chunks.

Your own hypertables: --table <name> loads rows into a hypertable declared with hypertable() in
the schema of drizzle.config.ts (or --config, --schema), through the same engine as
timescale(db, declaration).insertMany: upserted on its key, retried, with progress. The file's
columns are the table's (TypeScript keys or SQL names), or mapped with --map; each field is read
as its column's type (numbers, booleans, JSON, the time column by --time-zone/--time-format), an
empty one as null.
  drizzle-timescale import stocks.csv --table stock_prices --map time=date

Options:
  --table <name>      a declared hypertable (its SQL name, or schema.name) instead of time_series_data
  --config <file>     the drizzle-kit config whose schema declares it (default drizzle.config.ts)
  --schema <file>     the schema module (instead of the config's)
  --format <f>        csv or ndjson (default: from the extension: .csv, .ndjson, .jsonl)
  --batch-size <n>    rows per upsert (default 5000)
  --rejects <file>    write rejected rows there, in the input's format with _line and _error
                      first; fix them and import that file as it is
  --map <pairs>       record column=file column, comma-separated (time=date,value=temp_max)
  --entity <id>       the entity id of every row (a file without an entity column)
  --metadata <cols>   file columns into metadata (comma-separated), or * for every unmapped one
  --time-zone <zone>  the IANA zone of times written without an offset
  --time-format <f>   iso (default), epoch-s or epoch-ms
  --data-dir <dir>    the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug             print the stack trace of a failure

Rows go through the client's insertManyRecords, as the API writes them (transactions sized for
the server: years of history and compressed chunks included). A dropped connection or a restarted
server costs a retry of the batch (up to 8, backoff up to 5 s); if a batch still fails, the error
names the line it started at, and running the same import again is safe.

Progress goes to stderr: a bar on a terminal, a line every 2 s otherwise.
Exit codes: 0 every row imported, 3 imported but some rows rejected, 1 failed, 2 usage error.
`

/** `import`: CSV or NDJSON records, validated and upserted in batches, with progress. */
export const importCommand: Command = {
  name: 'import',
  summary: 'load records from a CSV or NDJSON file, in batches, with progress',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs(
      'import',
      argv,
      {
        format: { type: 'string' },
        'batch-size': { type: 'string' },
        rejects: { type: 'string' },
        map: { type: 'string' },
        entity: { type: 'string' },
        metadata: { type: 'string' },
        'time-zone': { type: 'string' },
        'time-format': { type: 'string' },
        table: { type: 'string' },
        config: { type: 'string' },
        schema: { type: 'string' },
      },
      1,
    )
    const path = args.positionals[0]
    if (path === undefined) throw new UsageError('import: which file? (drizzle-timescale import <file>; see --help)')
    const format = importFormat(path, stringOption(args, 'format'))
    const batchSize = integerOption(args, 'batch-size', 5000, 1, 100_000)
    if (path !== '-' && !existsSync(path)) throw new UsageError(`import: ${path} does not exist`)
    if (path !== '-' && !statSync(path).isFile()) throw new UsageError(`import: ${path} is not a file`)
    const rejectsPath = stringOption(args, 'rejects')
    const tableName = stringOption(args, 'table')
    if (tableName !== undefined) {
      for (const option of ['entity', 'metadata'] as const) {
        if (stringOption(args, option) !== undefined)
          throw new UsageError(`import: --${option} is for time_series_data; with --table, map the table's columns with --map`)
      }
    }
    const table =
      tableName === undefined
        ? undefined
        : await declaredTable('import', tableName, stringOption(args, 'config'), stringOption(args, 'schema'))
    let tableReader: TableRowReader | undefined
    if (table) {
      try {
        tableReader = tableRowReader(
          table.shape,
          parseTableMapping(table.shape, {
            map: stringOption(args, 'map'),
            timeZone: stringOption(args, 'time-zone'),
            timeFormat: stringOption(args, 'time-format'),
          }),
        )
      } catch (error) {
        throw new UsageError(`import: ${(error as Error).message}`)
      }
    }
    let mapping: ReturnType<typeof parseImportMapping>
    try {
      mapping = table
        ? undefined
        : parseImportMapping({
            map: stringOption(args, 'map'),
            entity: stringOption(args, 'entity'),
            metadata: stringOption(args, 'metadata'),
            timeZone: stringOption(args, 'time-zone'),
            timeFormat: stringOption(args, 'time-format'),
          })
    } catch (error) {
      throw new UsageError(`import: ${(error as Error).message}`)
    }

    // A batch is retried with backoff for about half a minute of outage (a restarted server).
    const target = await openCliDatabase(args, context, 'import', { retry: IMPORT_RETRY })
    const rejects = rejectsPath === undefined ? undefined : new RejectsWriter(rejectsPath, format)
    try {
      const reader = ImportReader.open(path, format, mapping, tableReader)
      const label = `import ${path === '-' ? 'stdin' : path}`
      const progress = new ProgressReporter({ stream: context.stderr, isTTY: Boolean(context.stderr.isTTY), label })
      let printed = 0
      // The retention warning is the package table's policy; a declared table's is its own.
      const retention = table ? undefined : await retentionHorizon(target)
      // A declared table's rows through the client's handle: the same engine, the client's retries.
      const handle = table ? target.client.hypertable(table.declaration) : undefined
      const summary = await runImport(target.client, reader, {
        batchSize,
        ...(path === '-' ? {} : { totalBytes: statSync(path).size }),
        progress,
        ...(rejects ? { rejects } : {}),
        onReject(line, error) {
          if (printed++ < PRINTED_REJECTS) progress.log(`line ${line}: ${error}`)
        },
        signal: context.signal,
        ...(handle ? { write: (rows: Record<string, unknown>[]) => handle.insertMany(rows as never, { skipInvalid: true }) } : {}),
        ...(retention ? { retention } : {}),
        onOlderThanRetention(line) {
          if (!retention) return
          progress.log(
            `warning: line ${line}: rows older than ${new Date(retention.ms).toISOString()}, the retention horizon (policy: ${retention.dropAfter}, ` +
              `job ${retention.jobId}): TimescaleDB's scheduler drops their chunks at its next run. To keep them: ` +
              `drizzle-timescale policies --retention '<longer>' (or none)`,
          )
        },
      })
      if (summary.olderThanRetention > 0 && retention) {
        progress.log(
          `warning: ${formatCount(summary.olderThanRetention)} rows written are older than the retention horizon (${retention.dropAfter}) and will be dropped`,
        )
      }
      if (summary.rejected > PRINTED_REJECTS) {
        const where = rejects ? ` (all in ${rejects.path})` : ''
        progress.log(`... and ${formatCount(summary.rejected - PRINTED_REJECTS)} more rejected rows${where}`)
      }
      context.stdout.write(
        `Imported ${path === '-' ? 'stdin' : path} into ${table ? `${table.shape.name} on ` : ''}the ${target.where}: ${formatCount(summary.rows)} rows read, ` +
          `${formatCount(summary.written)} written, ${formatCount(summary.rejected)} rejected, ` +
          `${formatCount(summary.duplicates)} duplicates in a batch, in ${summary.seconds.toFixed(1)} s\n`,
      )
      if (rejects && summary.rejected > 0) context.stdout.write(`Rejected rows are in ${rejects.path}\n`)
      return summary.rejected > 0 ? ExitCode.REJECTED_ROWS : ExitCode.OK
    } finally {
      rejects?.close()
      await target.close()
    }
  },
}

/** The retention policy's horizon now, or `undefined` without one. */
async function retentionHorizon(target: CliDatabase): Promise<{ ms: number; dropAfter: string; jobId: number } | undefined> {
  const { retention } = await readPolicies(target.db)
  if (!retention) return undefined
  const [row] = await queryRows<{ ms: number }>(
    target.db,
    sql`select (extract(epoch from now() - ${retention.dropAfter}::interval) * 1000)::float8 as ms`,
  )
  return { ms: Number(row?.ms), dropAfter: retention.dropAfter, jobId: retention.jobId }
}

function importFormat(path: string, given: string | undefined): ImportFormat {
  if (given !== undefined) {
    if (!(IMPORT_FORMATS as readonly string[]).includes(given)) {
      throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}, not '${given}'`)
    }
    return given as ImportFormat
  }
  const ext = extname(path).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  throw new UsageError(`import: cannot tell the format of ${path} from its extension: give --format csv or --format ndjson`)
}
