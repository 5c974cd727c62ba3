import { existsSync, readdirSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'

/**
 * The files under `cwd` matching a glob pattern (`src/db/*.ts`, `src/**\/schema.ts`, `{a,b}.ts`):
 * `*` and `?` within a path segment, `**` across segments, `{x,y}` alternatives, `[...]` classes.
 * Absolute paths, sorted. Runtime-neutral (Node 20 has no `fs.glob`); `node_modules` and hidden
 * folders are not descended into unless the pattern names them.
 *
 * @example
 * ```ts
 * globFiles('src/db/**\/*.ts', process.cwd())
 * ```
 */
export function globFiles(pattern: string, cwd: string): string[] {
  const absolute = resolve(cwd, pattern)
  // The walk starts at the longest prefix without a wildcard.
  const parts = absolute.split(sep)
  const firstWild = parts.findIndex((p) => /[*?[{]/.test(p))
  if (firstWild < 0) return existsSync(absolute) ? [absolute] : []
  const root = parts.slice(0, firstWild).join(sep) || sep
  const matcher = new RegExp(`^${globSource(relative(root, absolute).split(sep).join('/'))}$`)
  const walkHidden = /(^|\/)(\.|node_modules)/.test(pattern)
  const found: string[] = []
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!walkHidden && (entry.name.startsWith('.') || entry.name === 'node_modules')) continue
        walk(path)
      } else if (matcher.test(relative(root, path).split(sep).join('/'))) found.push(path)
    }
  }
  walk(root)
  return found.sort()
}

/** A glob (with `/` separators) as a regular expression's source. */
function globSource(glob: string): string {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `**` anything.
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?'
        i += 2
      } else {
        out += '.*'
        i += 1
      }
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else if (c === '{') {
      const end = glob.indexOf('}', i)
      if (end < 0) out += '\\{'
      else {
        out += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map(globSource)
          .join('|')})`
        i = end
      }
    } else if (c === '[') {
      const end = glob.indexOf(']', i)
      if (end < 0) out += '\\['
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, '^')}]`
        i = end
      }
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&')
  }
  return out
}
