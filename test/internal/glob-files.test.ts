/*
 * The runtime-neutral glob (Node.js 20 has no fs.glob) against Bun's own Glob on this repository's
 * files: the same matches for every pattern form the toolkit's `schema` globs use.
 */
import { expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { globFiles } from '../../src/internal/glob-files.ts'

const ROOT = resolve(import.meta.dir, '../..')

test.each([
  'src/toolkit/*.ts',
  'src/**/index.ts',
  'src/**/*.ts',
  'src/{schema,jobs}/*.ts',
  'test/toolkit/[dg]*.test.ts',
  'src/migrate.ts',
  'src/cli/commands/?uery.ts',
  './drizzle/*.sql',
])('%s matches what Bun.Glob matches', (pattern) => {
  const bun = [...new Bun.Glob(pattern).scanSync({ cwd: ROOT, absolute: true })].map((f) => resolve(f)).sort()
  const ours = globFiles(pattern, ROOT)
  expect(ours.length).toBeGreaterThan(0)
  expect(ours).toEqual(bun)
})

test('nothing for a pattern or a file that matches nothing', () => {
  expect(globFiles('src/**/*.nope', ROOT)).toEqual([])
  expect(globFiles('src/missing.ts', ROOT)).toEqual([])
})
