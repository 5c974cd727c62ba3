import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { ClientFactory } from '../client/client-factory.ts'
import type { RetryOptions } from '../client/client-types.ts'
import type { TimescaleClient } from '../client/timescale-client.ts'
import type { EmbeddedDatabase } from '../embedded/index.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { migrate } from '../migrate.ts'
import { redactSecrets } from '../to-timescale-error.ts'
import type { CliContext } from './cli-context.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { type CommandArgs, stringOption } from './parse-command-args.ts'
import { UsageError } from './usage-error.ts'

/** The default directory of the embedded database, relative to the working directory. */
export const DEFAULT_DATA_DIR = './.tsdb'

/** The database a command works on: the server of `DATABASE_URL`, or the embedded one. */
export interface CliDatabase {
  db: AnyPgDatabase
  /**
   * The package's client over `db`: the commands write through it, so they retry what the API
   * retries and share its write path.
   */
  client: TimescaleClient<AnyPgDatabase>
  kind: 'server' | 'embedded'
  /** For messages: `user@host:port/database` or `embedded database in ./.tsdb`. */
  where: string
  /** The embedded database, when `kind` is `'embedded'`. */
  embedded?: EmbeddedDatabase
  /** Migrations applied while opening (the embedded database is kept migrated). */
  applied: string[]
  close(): Promise<void>
}

/**
 * Opens the database of a command: with `DATABASE_URL` set, a small postgres.js pool on it (checked
 * with one query, never migrated implicitly); otherwise the embedded TimescaleDB in `--data-dir`
 * (default `./.tsdb`), created when missing, locked against a second process, and migrated unless
 * `migrate` is false. `retry` sets the client's retries (default: one retry, 100 ms).
 */
export async function openCliDatabase(
  args: CommandArgs,
  context: CliContext,
  command: string,
  options: { migrate?: boolean; retry?: RetryOptions } = {},
): Promise<CliDatabase> {
  const url = context.env.DATABASE_URL
  const retry = options.retry ?? { maxRetries: 1 }
  if (url) {
    const client = await ClientFactory.fromConnectionString(url, { maxConnections: 2, connectTimeout: 10, ...retry })
    return {
      db: client.db,
      client: client as unknown as TimescaleClient<AnyPgDatabase>,
      kind: 'server',
      where: `server ${describeUrl(url)}`,
      applied: [],
      close: () => client.close(),
    }
  }
  const dataDir = stringOption(args, 'data-dir', DEFAULT_DATA_DIR)
  const dir = resolve(dataDir)
  checkDataDir(dir, dataDir)
  const fresh = !existsSync(join(dir, 'PG_VERSION'))
  // A new directory is created (and initialized) first: initdb refuses a non-empty one.
  let release = fresh ? () => {} : lockDataDir(dir, command)
  let embedded: EmbeddedDatabase
  try {
    // Loaded on demand: a command on DATABASE_URL needs no PGlite (an optional peer dependency).
    const { createEmbeddedDatabase } = await import('../embedded/index.ts')
    embedded = await createEmbeddedDatabase({ dataDir: dir, migrate: false })
  } catch (error) {
    release()
    throw error
  }
  try {
    if (fresh) release = lockDataDir(dir, command)
    const applied = options.migrate === false ? [] : (await migrate(embedded.db)).applied
    const shown = relative(process.cwd(), dir) || '.'
    const where = `embedded database in ${shown.startsWith('..') ? dir : `./${shown}`}`
    if (applied.length > 0) context.stderr.write(`drizzle-timescale: migrated the ${where} (${applied.join(', ')})\n`)
    let closing: Promise<void> | undefined
    const client = (await ClientFactory.fromDrizzle(embedded.db, retry)) as unknown as TimescaleClient<AnyPgDatabase>
    return {
      db: embedded.db,
      client,
      kind: 'embedded',
      where,
      embedded,
      applied,
      close: () =>
        (closing ??= client
          .close()
          .then(() => embedded.close())
          .finally(release)),
    }
  } catch (error) {
    await embedded.close().catch(() => {})
    release()
    throw error
  }
}

function checkDataDir(dir: string, given: string): void {
  if (!existsSync(dir)) return
  if (!statSync(dir).isDirectory()) throw new UsageError(`--data-dir ${given} is a file, not a directory`)
  const entries = readdirSync(dir)
  if (entries.length > 0 && !entries.includes('PG_VERSION')) {
    throw new UsageError(`--data-dir ${given} is neither empty nor an embedded database (it has no PG_VERSION)`)
  }
}

/** `user@host:port/database` of a connection URL, never its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url)
    const user = u.username ? `${decodeURIComponent(u.username)}@` : ''
    return `${user}${u.hostname}:${u.port || 5432}${u.pathname || '/'}`
  } catch {
    return redactSecrets(url)
  }
}
