/*
 * The layers of src/ (docs/LAYOUT.md), bottom up: a file imports only from its own layer or those
 * below it. Read from the import statements of every source file, so a new arrow against the
 * layers fails here with the file that draws it.
 */
import { expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const SRC = resolve(import.meta.dir, '../src')

/** Bottom first; each entry is a folder of src/ or a file at its root. One fact: this order. */
export const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'internal', 'to-timescale-error.ts'],
  ['schema'],
  ['vocabulary'],
  ['validation'],
  ['catalog'],
  ['toolkit'],
  ['repository'],
  ['migrations-table.ts', 'jobs', 'migrate.ts'],
  ['policies', 'inspect', 'security', 'status', 'operations'],
  ['embedded'],
  ['client'],
  ['testing'],
  ['cli'],
  ['types.ts', 'index.ts'],
]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

function layerOf(path: string): number {
  const top = relative(SRC, path).split('/')[0] as string
  const index = LAYERS.findIndex((layer) => layer.includes(top))
  if (index < 0) throw new Error(`${relative(SRC, path)} is in no layer: add ${top} to LAYERS (and docs/LAYOUT.md)`)
  return index
}

/** The imports of `files` (path and text) that point up the layers; imports from outside src/ (package.json) are not layered. */
function arrowsAgainst(files: readonly { path: string; text: string }[]): string[] {
  const against: string[] = []
  for (const { path, text } of files) {
    const own = layerOf(path)
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(path), match[1] as string)
      if (relative(SRC, target).startsWith('..')) continue
      if (layerOf(target) > own) against.push(`${relative(SRC, path)} -> ${relative(SRC, target)}`)
    }
  }
  return against
}

test('every file of src/ imports only from its own layer or those below it', () => {
  const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8') }))
  expect(files.length).toBeGreaterThan(150)
  expect(arrowsAgainst(files)).toEqual([])
})

test('the check reports an arrow against the layers, and only that one', () => {
  const up = { path: join(SRC, 'repository/example.ts'), text: "import { TimescaleClient } from '../client/timescale-client.ts'" }
  const down = { path: join(SRC, 'client/example.ts'), text: "import { insertRows } from '../repository/insert-rows.ts'" }
  expect(arrowsAgainst([up, down])).toEqual(['repository/example.ts -> client/timescale-client.ts'])
})
