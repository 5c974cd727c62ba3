import { sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { queryRows } from '../../internal/query-rows.ts'
import { grantsSql } from '../../security/index.ts'
import type { Command } from '../cli-context.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale grants --app-role NAME [--schema public] [--apply]

Prints the GRANT statements an application role needs on the package's tables in the connected
database, and nothing more: CONNECT and TEMPORARY on the database, USAGE on the schema, SELECT,
INSERT, UPDATE on entities and time_series_data, SELECT on hourly_metrics (where it exists). The
role can then run the client, import, query and status, but cannot drop, truncate, alter or
delete. Run them as the role that owns the tables (the one that ran the migrations).

Options:
  --app-role NAME   the application's role (it must exist)
  --schema NAME     the schema of the package's tables (default public)
  --apply           run the statements instead of printing them
  --data-dir <dir>  the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug           print the stack trace of a failure
`

const dialect = new PgDialect()

/** `grants`: the least privileges of an application role, printed or applied. */
export const grantsCommand: Command = {
  name: 'grants',
  summary: "the GRANTs an application role needs on the package's tables (printed, or --apply)",
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('grants', argv, {
      'app-role': { type: 'string' },
      schema: { type: 'string' },
      apply: { type: 'boolean' },
    })
    const appRole = stringOption(args, 'app-role')
    if (!appRole) throw new UsageError('grants needs --app-role NAME')
    const schema = stringOption(args, 'schema') ?? 'public'
    const target = await openCliDatabase(args, context, 'grants', { migrate: false })
    try {
      const [where] = await queryRows<{ database: string; aggregate: boolean }>(
        target.db,
        sql`select current_database() as database,
          to_regclass(format('%I.%I', ${schema}::text, 'hourly_metrics')) is not null as aggregate`,
      )
      const statements = grantsSql({ appRole, schema, database: String(where?.database), aggregate: where?.aggregate === true })
      if (args.values.apply) {
        for (const statement of statements) await target.db.execute(statement)
        context.stderr.write(`granted ${appRole} what it needs in ${target.where} (${statements.length} statements)\n`)
      } else {
        context.stdout.write(`${statements.map((s) => `${dialect.sqlToQuery(s).sql};`).join('\n')}\n`)
      }
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}
