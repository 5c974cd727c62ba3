import { generateMigration } from '../../toolkit/generate-migration.ts'
import { importSchemaModules, resolveToolkitPaths } from '../../toolkit/load-declarations.ts'
import { drizzleSnapshotTables } from '../../toolkit/migration-folder.ts'
import { packageTablesIn, packageTablesInSnapshot } from '../../toolkit/package-tables-in.ts'
import { stateOf } from '../../toolkit/timescale-state.ts'
import type { Command } from '../cli-context.ts'
import { parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale generate [--config drizzle.config.ts] [--schema <file>] [--out <dir>] [--name <name>]

Writes a drizzle-kit custom migration for the hypertables and continuous aggregates declared
with hypertable() and continuousAggregate() in the schema modules: only what changed since the
last generate (kept in <out>/meta/_drizzle-timescale.json). Run drizzle-kit generate first (it
creates the tables), then this, then drizzle-kit migrate. Needs no database.

Options:
  --config <file>   the drizzle-kit config to read schema and out from (default drizzle.config.ts)
  --schema <file>   the schema module (instead of the config's)
  --out <dir>       the migrations folder (instead of the config's)
  --name <name>     the migration's name: NNNN_<name>.sql (default timescale)
  --debug           print the stack trace of a failure
`

/** `generate`: the TimescaleDB migration of the project's own declarations. */
export const generateCommand: Command = {
  name: 'generate',
  summary: "write a drizzle-kit migration for the schema's hypertables and aggregates (only what changed)",
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('generate', argv, {
      config: { type: 'string' },
      schema: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
    })
    const name = stringOption(args, 'name') ?? 'timescale'
    if (!/^[a-z0-9_]{1,60}$/i.test(name)) throw new UsageError('generate: --name must be letters, digits and _ (at most 60)')
    const paths = await resolveToolkitPaths({
      config: stringOption(args, 'config'),
      schema: stringOption(args, 'schema'),
      out: stringOption(args, 'out'),
    })
    const values = await importSchemaModules(paths.schema)
    const state = stateOf(values)
    const exported = packageTablesIn(values)
    if (exported.length > 0) {
      context.stderr.write(
        `warning: ${paths.schema.join(', ')} exports the package's table${exported.length > 1 ? 's' : ''} ${exported.join(', ')} ` +
          '(re-exported from drizzle-timescale/schema?): drizzle-kit generate creates them in your migrations too, and the next migrate fails ' +
          "with 'relation already exists'. Export timescaleSchema instead (docs/drizzle-kit.md)\n",
      )
    }
    const created = packageTablesInSnapshot(drizzleSnapshotTables(paths.out))
    if (created.length > 0) {
      context.stderr.write(
        `warning: the drizzle-kit migrations in ${paths.out} create the package's table${created.length > 1 ? 's' : ''} ${created.join(', ')}: ` +
          "the package's own migrations create them, so migrating both fails. Remove the re-export and regenerate (docs/drizzle-kit.md)\n",
      )
    }
    const declared = Object.keys(state.hypertables).length + Object.keys(state.aggregates).length
    if (declared === 0) context.stderr.write(`no hypertable() or continuousAggregate() declarations in ${paths.schema.join(', ')}\n`)
    const result = generateMigration(state, paths.out, name, paths.schema.join(', '))
    for (const warning of result.warnings) context.stderr.write(`warning: ${warning}\n`)
    if (result.path === null) context.stdout.write('No TimescaleDB changes since the last generate: nothing to write\n')
    else context.stdout.write(`${result.path}: ${result.statements} statement${result.statements === 1 ? '' : 's'}\n`)
    return ExitCode.OK
  },
}
