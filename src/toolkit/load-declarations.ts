import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { ErrorCodes, MigrationError } from '../errors.ts'
import { globFiles } from '../internal/glob-files.ts'
import { importModule } from './import-module.ts'
import { stateOf, type TimescaleState } from './timescale-state.ts'

/** Where the declarations and the migrations are: drizzle-kit's `schema` and `out`. */
export interface ToolkitPaths {
  /** Schema modules (files or glob patterns), as in drizzle.config.ts. */
  schema: string[]
  /** The migrations folder. */
  out: string
}

/**
 * Reads `schema` and `out` from a drizzle-kit config file (`drizzle.config.ts`), relative to the
 * working directory as drizzle-kit reads them.
 *
 * @throws {MigrationError} no config file, or one without `schema`.
 */
export async function readDrizzleConfig(configPath: string, cwd = process.cwd()): Promise<ToolkitPaths> {
  const path = isAbsolute(configPath) ? configPath : resolve(cwd, configPath)
  if (!existsSync(path))
    throw new MigrationError(`no drizzle-kit config at ${path} (pass --config, or --schema and --out)`, ErrorCodes.MIGRATION)
  const mod = (await importModule(path)) as { default?: { schema?: string | string[]; out?: string } }
  const config = mod.default ?? {}
  if (config.schema === undefined) throw new MigrationError(`${path} has no schema`, ErrorCodes.MIGRATION)
  return { schema: Array.isArray(config.schema) ? config.schema : [config.schema], out: config.out ?? 'drizzle' }
}

/**
 * The schema modules and migrations folder of a command: `--schema`/`--out` where given, the rest
 * from the drizzle-kit config (`--config`, default `drizzle.config.ts`), read only when needed.
 */
export async function resolveToolkitPaths(given: { config?: string; schema?: string; out?: string }): Promise<ToolkitPaths> {
  if (given.schema !== undefined && given.out !== undefined) return { schema: [given.schema], out: given.out }
  const config = await readDrizzleConfig(given.config ?? 'drizzle.config.ts')
  return { schema: given.schema === undefined ? config.schema : [given.schema], out: given.out ?? config.out }
}

/**
 * Imports the schema modules and collects the `hypertable()` and `continuousAggregate()`
 * declarations among their exports.
 *
 * @example
 * ```ts
 * const state = await loadDeclarations(['./src/db/schema.ts'])
 * ```
 */
export async function loadDeclarations(schema: readonly string[], cwd = process.cwd()): Promise<TimescaleState> {
  return stateOf(await importSchemaModules(schema, cwd))
}

/** Every value the schema modules (files or glob patterns) export, in file order. */
export async function importSchemaModules(schema: readonly string[], cwd = process.cwd()): Promise<unknown[]> {
  const files = new Set<string>()
  for (const pattern of schema) {
    if (/[*?[{]/.test(pattern)) for (const f of globFiles(pattern, cwd)) files.add(f)
    else files.add(resolve(cwd, pattern))
  }
  const values: unknown[] = []
  for (const file of [...files].sort()) {
    if (!existsSync(file)) throw new MigrationError(`schema module ${file} does not exist`, ErrorCodes.MIGRATION)
    values.push(...Object.values(await importModule(file)))
  }
  return values
}
