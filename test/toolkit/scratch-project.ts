/*
 * A consuming project in a scratch folder inside the repository (so that its schema resolves
 * drizzle-orm from the repository's node_modules): a schema module with the toolkit's
 * declarations, a drizzle.config.ts, and drizzle-kit and `drizzle-timescale generate` run in it
 * as a user runs them, as subprocesses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, runCli } from '../cli/cli-harness.ts'

/** The settings a test changes between two `generate` runs. */
export interface ScratchSettings {
  chunkInterval: string
  retention: string
}

const TOOLKIT = join(REPO, 'src/toolkit/index.ts')

/**
 * The schema module: device-schema.ts (the tests' fixture: a hypertable with columnstore and
 * retention, a two-level aggregate) with the given settings and the toolkit by absolute path.
 */
export function schemaSource(settings: ScratchSettings): string {
  const fixture = readFileSync(join(import.meta.dir, 'device-schema.ts'), 'utf8')
  const out = fixture
    .replace("'../../src/toolkit/index.ts'", JSON.stringify(TOOLKIT))
    .replace("chunkInterval: '1 day'", `chunkInterval: ${JSON.stringify(settings.chunkInterval)}`)
    .replace("retention: '2 years'", `retention: ${JSON.stringify(settings.retention)}`)
  if (out === fixture || !out.includes(settings.chunkInterval) || !out.includes(settings.retention))
    throw new Error('device-schema.ts changed shape')
  return out
}

/** A scratch project; `close()` removes it. */
export function scratchProject(settings: ScratchSettings) {
  const dir = mkdtempSync(join(REPO, '.scratch-toolkit-'))
  const write = (file: string, text: string) => writeFileSync(join(dir, file), text)
  write('schema.ts', schemaSource(settings))
  write(
    'drizzle.config.ts',
    `export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle', dbCredentials: { url: process.env.DATABASE_URL ?? '' } }\n`,
  )
  return {
    dir,
    migrations: join(dir, 'drizzle'),
    /** Rewrites the schema module (and a copy under a new name, for an import in this process). */
    change(next: ScratchSettings, copyAs: string) {
      write('schema.ts', schemaSource(next))
      write(copyAs, schemaSource(next))
      return join(dir, copyAs)
    },
    async drizzleKitGenerate(): Promise<string> {
      const child = Bun.spawn(['bunx', 'drizzle-kit', 'generate'], {
        cwd: dir,
        stdout: 'pipe',
        stderr: 'pipe',
        env: { ...process.env, NO_COLOR: '1' },
      })
      const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
      if (code !== 0) throw new Error(`drizzle-kit generate failed (${code}): ${out}${err}`)
      return out
    },
    generate: (extra: string[] = []) => runCli(['generate', ...extra], undefined, dir),
    close: () => rmSync(dir, { recursive: true, force: true }),
  }
}
