import { checkDrift } from '../../toolkit/check-drift.ts'
import { loadDeclarations, resolveToolkitPaths } from '../../toolkit/load-declarations.ts'
import type { Command } from '../cli-context.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale check [--config drizzle.config.ts] [--schema <file>]

Compares the hypertables and continuous aggregates declared in the schema modules with the
database: dimensions, chunk interval, columnstore settings, retention and columnstore policies,
each aggregate's definition, real-time setting and refresh policy. Prints each difference and
exits 4 when there is one (for CI: someone changed the database by hand, or a migration is
missing). Read-only.

Options:
  --config <file>   the drizzle-kit config to read the schema from (default drizzle.config.ts)
  --schema <file>   the schema module (instead of the config's)
  --data-dir <dir>  the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug           print the stack trace of a failure
`

/** `check`: drift between the declarations and the live database. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'compare the declared hypertables and aggregates with the database; exit 4 on drift',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('check', argv, { config: { type: 'string' }, schema: { type: 'string' } })
    // check reads no migrations folder: out is not asked for.
    const { schema } = await resolveToolkitPaths({ config: stringOption(args, 'config'), schema: stringOption(args, 'schema'), out: '' })
    const state = await loadDeclarations(schema)
    const target = await openCliDatabase(args, context, 'check')
    try {
      const { drift, notChecked } = await checkDrift(target.db, state)
      const objects = Object.keys(state.hypertables).length + Object.keys(state.aggregates).length
      for (const line of notChecked) context.stdout.write(`not checked: ${line}\n`)
      if (drift.length === 0) {
        context.stdout.write(`${target.where}: ${objects} declared object${objects === 1 ? '' : 's'}, no drift\n`)
        return ExitCode.OK
      }
      context.stdout.write(`${target.where}: ${drift.length} difference${drift.length === 1 ? '' : 's'} from the declarations\n`)
      for (const d of drift) context.stdout.write(`  ${d.object}: ${d.what} is ${d.actual}, declared ${d.declared}\n`)
      return ExitCode.CHECK_FAILED
    } finally {
      await target.close()
    }
  },
}
