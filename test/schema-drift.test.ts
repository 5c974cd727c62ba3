import { expect, test } from 'bun:test'
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const root = join(import.meta.dir, '..')

test('the Drizzle schema and the migration folder agree: drizzle-kit generate finds nothing new', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dts-drift-'))
  try {
    cpSync(join(root, 'drizzle'), join(scratch, 'drizzle'), { recursive: true })
    const before = readdirSync(join(scratch, 'drizzle')).sort()
    // drizzle-kit prefixes `out` with './', so it must be relative to the working directory.
    const out = relative(root, join(scratch, 'drizzle'))
    const run = Bun.spawnSync(
      [join(root, 'node_modules/.bin/drizzle-kit'), 'generate', '--dialect', 'postgresql', '--schema', 'src/schema/index.ts', '--out', out],
      { cwd: root, stdout: 'pipe', stderr: 'pipe' },
    )
    const output = `${run.stdout.toString()}${run.stderr.toString()}`
    expect(run.exitCode, output).toBe(0)
    expect(output).toContain('No schema changes')
    expect(readdirSync(join(scratch, 'drizzle')).sort()).toEqual(before)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
})
