import packageJson from '../../package.json' with { type: 'json' }
import type { CliContext, Command } from './cli-context.ts'
import { cliErrorLine, InterruptedError } from './cli-error-line.ts'
import { checkCommand } from './commands/check.ts'
import { chunksCommand } from './commands/chunks.ts'
import { generateCommand } from './commands/generate.ts'
import { grantsCommand } from './commands/grants.ts'
import { importCommand } from './commands/import.ts'
import { jobsCommand } from './commands/jobs.ts'
import { migrateCommand } from './commands/migrate.ts'
import { policiesCommand } from './commands/policies.ts'
import { queryCommand } from './commands/query.ts'
import { refreshCommand } from './commands/refresh.ts'
import { seedCommand } from './commands/seed.ts'
import { serveCommand } from './commands/serve.ts'
import { statusCommand } from './commands/status.ts'
import { ExitCode, UsageError } from './usage-error.ts'

/** Every command, in the order of the help. */
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  generateCommand,
  checkCommand,
  statusCommand,
  policiesCommand,
  chunksCommand,
  jobsCommand,
  refreshCommand,
  grantsCommand,
  serveCommand,
  seedCommand,
  importCommand,
  queryCommand,
]

const HELP = `drizzle-timescale ${packageJson.version}: a TimescaleDB toolkit for Drizzle

Usage: drizzle-timescale <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.summary}`).join('\n')}

Database: the server of DATABASE_URL when it is set (any PostgreSQL with TimescaleDB);
otherwise the embedded TimescaleDB kept in --data-dir (default ./.tsdb), created and
migrated on first use.

Options of every command:
  --data-dir <dir>  the embedded database's directory (default ./.tsdb)
  --debug           print the stack trace of a failure
  -h, --help        the command's help

Exit codes: 0 done, 1 failed, 2 usage error, 3 import done but some rows rejected,
4 status --check or check found a problem, 130 interrupted.
Run 'drizzle-timescale <command> --help' for a command's options.
`

/**
 * Runs the CLI on `argv` (the arguments after the script) and returns the exit code. Failures
 * are printed as one line on stderr, `drizzle-timescale: <message>`; with `--debug`, the stack too.
 */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    context.stderr.write(HELP)
    return ExitCode.USAGE
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(HELP)
    return ExitCode.OK
  }
  if (name === '--version' || name === '-v') {
    context.stdout.write(`${packageJson.version}\n`)
    return ExitCode.OK
  }
  try {
    const command = COMMANDS.find((c) => c.name === name)
    if (!command) {
      throw new UsageError(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see --help)`)
    }
    // Every command's --help, here: its text is part of the command.
    if (rest.includes('--help') || rest.includes('-h')) {
      context.stdout.write(command.help)
      return ExitCode.OK
    }
    return await command.run(rest, context)
  } catch (error) {
    context.stderr.write(`drizzle-timescale: ${cliErrorLine(error)}\n`)
    if (argv.includes('--debug') && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`)
    if (error instanceof UsageError) return ExitCode.USAGE
    if (error instanceof InterruptedError) return ExitCode.INTERRUPTED
    return ExitCode.FAILURE
  }
}
