import { fileURLToPath } from 'node:url'

/** The app's drizzle-kit migrations folder (`drizzle/` next to `src/`). */
export const appMigrationsFolder: string = fileURLToPath(new URL('../drizzle', import.meta.url))
