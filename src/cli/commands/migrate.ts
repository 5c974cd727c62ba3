import { describeTimescale, formatDescription } from '../../inspect/index.ts'
import { migrate } from '../../migrate.ts'
import { applyProjectMigrations } from '../apply-project-migrations.ts'
import type { Command } from '../cli-context.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale migrate [--folder <dir>] [--table <name>] [--schema <name>]

Applies the package's migrations (the tables, the hypertable, compression, retention and the
hourly_metrics continuous aggregate; recorded in drizzle.__drizzle_timescale_migrations), then,
with --folder, your project's own drizzle-kit migrations after them, then prints what exists.
Running it again applies nothing.

Options:
  --folder <dir>    your drizzle-kit migrations folder (the "out" of your drizzle.config.ts)
  --table <name>    the table recording your migrations (default __drizzle_migrations)
  --schema <name>   its schema (default drizzle)
  --data-dir <dir>  the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug           print the stack trace of a failure
`

/** `migrate`: the package's migrations, the project's own folder after them, then a description. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: "apply the package's migrations (and your own folder), then print what exists",
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('migrate', argv, {
      folder: { type: 'string' },
      table: { type: 'string' },
      schema: { type: 'string' },
    })
    const folder = stringOption(args, 'folder')
    for (const name of ['table', 'schema']) {
      if (folder === undefined && args.values[name] !== undefined) throw new UsageError(`migrate: --${name} needs --folder`)
    }
    const target = await openCliDatabase(args, context, 'migrate', { migrate: false })
    try {
      const { applied } = await migrate(target.db)
      const say = (what: string, tags: string[]) =>
        context.stdout.write(`${what}: ${tags.length ? `applied ${tags.join(', ')}` : 'already up to date'}\n`)
      say(`Package migrations on the ${target.where}`, applied)
      if (folder !== undefined) {
        const project = {
          folder,
          table: stringOption(args, 'table', '__drizzle_migrations'),
          schema: stringOption(args, 'schema', 'drizzle'),
        }
        say(`Project migrations in ${folder}`, await applyProjectMigrations(target, project))
      }
      context.stdout.write(`${formatDescription(await describeTimescale(target.db))}\n`)
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}
