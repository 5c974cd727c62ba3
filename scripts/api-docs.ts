#!/usr/bin/env bun
/*
 * Generates docs/API_REFERENCE.md from the JSDoc of every public export (the package.json
 * "exports" entry points), with the TypeScript compiler. `--check` exits 1 when the file on
 * disk is not what the sources produce (CI runs it through test/api-docs.test.ts).
 *
 *   bun scripts/api-docs.ts          # write docs/API_REFERENCE.md
 *   bun scripts/api-docs.ts --check  # verify it is up to date
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

const root = join(import.meta.dir, '..')
const target = join(root, 'docs/API_REFERENCE.md')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  exports: Record<string, string | { bun?: string }>
}
// Each subpath's sources: its `bun` condition (the build's entries are made from them).
const entries = Object.entries(pkg.exports).flatMap(([subpath, target]) => {
  const file = typeof target === 'string' ? target : target.bun
  return file?.endsWith('.ts') && file.startsWith('./src/') ? [[subpath, file] as const] : []
})

const program = ts.createProgram(
  entries.map(([, file]) => join(root, file)),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    types: ['bun-types'],
  },
)
const checker = program.getTypeChecker()

function docOf(symbol: ts.Symbol): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()
  const tags = symbol
    .getJsDocTags(checker)
    .map((tag) => {
      const body = ts.displayPartsToString(tag.text).trim()
      if (tag.name === 'example') return `\n**Example**\n\n${body.includes('```') ? body : `\`\`\`ts\n${body}\n\`\`\``}\n`
      if (tag.name === 'see') return `\nSee: ${body}\n`
      if (tag.name === 'throws') return `\nThrows: ${body}\n`
      if (tag.name === 'param') return ''
      if (tag.name === 'internal') return ''
      return `\n@${tag.name} ${body}\n`
    })
    .join('')
  return `${text}\n${tags}`.trim()
}

function signatureOf(symbol: ts.Symbol, decl: ts.Declaration): string {
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope
  if (ts.isFunctionDeclaration(decl)) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, decl)
    return type
      .getCallSignatures()
      .map((s) => `function ${symbol.name}${checker.signatureToString(s, undefined, flags)}`)
      .join('\n')
  }
  if (ts.isClassDeclaration(decl)) return `class ${symbol.name}`
  if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl)) {
    // The declaration as written, without its JSDoc.
    const text = decl.getText()
    return text.length > 1500 ? `${text.slice(0, 1500)}\n// ...` : text
  }
  if (ts.isVariableDeclaration(decl)) {
    return `const ${symbol.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), decl, flags)}`
  }
  return symbol.name
}

function classMembers(symbol: ts.Symbol, decl: ts.ClassDeclaration): string[] {
  const out: string[] = []
  const flags = ts.TypeFormatFlags.NoTruncation
  for (const member of decl.members) {
    const modifiers = ts.getCombinedModifierFlags(member)
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue
    if (!member.name || ts.isPrivateIdentifier(member.name)) continue
    const memberSymbol = checker.getSymbolAtLocation(member.name)
    if (!memberSymbol) continue
    const isStatic = modifiers & ts.ModifierFlags.Static ? 'static ' : ''
    // Well-known symbols get internal names like `__@asyncDispose@2271`: print them as written.
    const name = memberSymbol.name.startsWith('__@') ? member.name.getText() : memberSymbol.name
    let signature = name
    if (ts.isMethodDeclaration(member)) {
      const type = checker.getTypeOfSymbolAtLocation(memberSymbol, member)
      signature = type
        .getCallSignatures()
        .map((s) => `${isStatic}${name}${checker.signatureToString(s, undefined, flags)}`)
        .join('\n')
    } else if (ts.isGetAccessorDeclaration(member)) {
      signature = `get ${name}(): ${checker.typeToString(checker.getTypeOfSymbolAtLocation(memberSymbol, member), undefined, flags)}`
    } else if (ts.isConstructorDeclaration(member)) {
      continue
    } else if (ts.isPropertyDeclaration(member)) {
      signature = `${isStatic}${name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(memberSymbol, member), undefined, flags)}`
    }
    const doc = docOf(memberSymbol)
    out.push(`#### \`${symbol.name}.${name}\`\n\n\`\`\`ts\n${signature}\n\`\`\`\n\n${doc}\n`)
  }
  return out
}

const sections: string[] = [
  '# API reference',
  '',
  `Generated from the JSDoc of the sources by \`bun scripts/api-docs.ts\`; \`test/api-docs.test.ts\` fails when it is out of date. Do not edit by hand.`,
  '',
]
for (const [entry, file] of entries) {
  const source = program.getSourceFile(join(root, file))
  const moduleSymbol = source && checker.getSymbolAtLocation(source)
  if (!moduleSymbol) continue
  const importPath = entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`
  sections.push(`## \`${importPath}\``, '')
  const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name))
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    const decl = symbol.declarations?.[0]
    if (!decl) continue
    sections.push(`### \`${exported.name}\``, '', '```ts', signatureOf(symbol, decl), '```', '', docOf(symbol), '')
    if (ts.isClassDeclaration(decl)) sections.push(...classMembers(symbol, decl))
  }
}
const markdown = `${sections
  .join('\n')
  .replace(/\n{3,}/g, '\n\n')
  .trim()}\n`

if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(target, 'utf8')
  } catch {}
  if (current !== markdown) {
    console.error('docs/API_REFERENCE.md is out of date: run `bun scripts/api-docs.ts`')
    process.exit(1)
  }
  console.log('docs/API_REFERENCE.md is up to date')
} else {
  writeFileSync(target, markdown)
  console.log(`wrote ${target} (${markdown.length} characters)`)
}
