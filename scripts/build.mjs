#!/usr/bin/env node
/*
 * Builds the package for Node.js and Deno: TypeScript's own emit of src/ into dist/ (ES modules,
 * .d.ts, source maps; rewriteRelativeImportExtensions turns the .ts specifiers into .js), then
 * the two things tsc leaves: the .d.ts files keep '.ts' specifiers (rewritten here to '.js', the
 * files a consumer's tsc finds), and the CLI's shebang names Bun (here: node). Runs under Node or
 * Bun; `npm pack` runs it (prepack).
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
})

const files = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]))
let rewritten = 0
for (const file of files(dist).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8')
  const next = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3')
  if (next !== text) {
    writeFileSync(file, next)
    rewritten++
  }
}
const main = join(dist, 'cli/main.js')
writeFileSync(main, readFileSync(main, 'utf8').replace(/^#!.*\n/, '#!/usr/bin/env node\n'))
chmodSync(main, 0o755)
console.log(`dist/: ${files(dist).length} files (${rewritten} declaration files with .ts specifiers rewritten)`)
