import { rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ErrorCodes, MigrationError } from '../errors.ts'

/**
 * Imports a module of the project (a schema file, `drizzle.config.ts`) by path. Bun, Deno and
 * Node.js 22.18+ import TypeScript themselves; on an older Node.js (20), which refuses `.ts`
 * (`ERR_UNKNOWN_FILE_EXTENSION`), the module and its relative imports are bundled with esbuild
 * (which drizzle-kit brings) into a temporary `.mjs` beside it, packages left as imports, and
 * that is imported and removed: what drizzle-kit itself does to read a TypeScript config.
 *
 * @throws {MigrationError} when the module cannot be imported, with the cure for TypeScript on an old Node.js.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    if ((error as { code?: string })?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
  }
  let esbuild: { build(options: Record<string, unknown>): Promise<unknown> }
  try {
    esbuild = (await import('esbuild' as string)) as typeof esbuild
  } catch (cause) {
    throw new MigrationError(
      `${file}: this Node.js (${process.version}) cannot import TypeScript; use Node.js 22.18 or newer, Bun or Deno, or install esbuild (drizzle-kit depends on it)`,
      ErrorCodes.MIGRATION,
      { cause },
    )
  }
  const outfile = join(dirname(file), `.${basename(file)}.${process.pid}.drizzle-timescale.mjs`)
  try {
    await esbuild.build({
      entryPoints: [file],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      logLevel: 'silent',
    })
    return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>
  } finally {
    rmSync(outfile, { force: true })
  }
}
