import { expect, test } from 'bun:test'
import { join } from 'node:path'

test('docs/API_REFERENCE.md is what the JSDoc of the public exports generates', () => {
  const run = Bun.spawnSync(['bun', join(import.meta.dir, '../scripts/api-docs.ts'), '--check'], { stdout: 'pipe', stderr: 'pipe' })
  expect(run.exitCode, `${run.stderr.toString()} (regenerate with: bun scripts/api-docs.ts)`).toBe(0)
})
