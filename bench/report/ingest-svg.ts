import type { Comparison } from '../results.ts'

/*
 * bench-ingest.svg: one panel of horizontal bars per ingest comparison (rows/s, same data, same
 * run), ours highlighted, each bar labelled with its rows/s and its ratio to ours. Plain SVG text,
 * no dependencies.
 */

const WIDTH = 920
const LABEL_WIDTH = 350
const BAR_MAX = 330
const BAR_HEIGHT = 22
const GAP = 8
const COLORS: Record<string, string> = { ours: '#2563eb', 'raw-copy': '#4b5563' }

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const thousands = (n: number) => Math.round(n).toLocaleString('en-US')

/** The chart of `comparisons` (each an ingest comparison), under `title`. */
export function ingestSvg(title: string, comparisons: readonly Comparison[], caption: string): string {
  const parts: string[] = []
  let y = 40
  parts.push(`<text x="16" y="26" font-size="17" font-weight="bold">${escapeXml(title)}</text>`)
  for (const comparison of comparisons) {
    const ours = comparison.entries.find((e) => e.name === 'ours')?.value ?? 0
    const max = Math.max(...comparison.entries.map((e) => e.value), 1)
    y += 18
    parts.push(`<text x="16" y="${y}" font-size="14" font-weight="bold">${escapeXml(comparison.title)}</text>`)
    y += 10
    for (const entry of comparison.entries) {
      const width = Math.max(1, Math.round((entry.value / max) * BAR_MAX))
      const fill = COLORS[entry.name] ?? '#9ca3af'
      const versus = entry.name === 'ours' ? '' : `, ours ${(ours / entry.value).toFixed(2)}x`
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" font-size="12" text-anchor="end">${escapeXml(shorten(entry.label, 50))}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" rx="3" fill="${fill}"/>`,
        `<text x="${LABEL_WIDTH + width + 6}" y="${y + 15}" font-size="12">${thousands(entry.value)} rows/s${versus}</text>`,
      )
      y += BAR_HEIGHT + GAP
    }
    y += 8
  }
  y += 6
  parts.push(`<text x="16" y="${y}" font-size="11" fill="#4b5563">${escapeXml(caption)}</text>`)
  const height = y + 16
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" fill="#111827" role="img">
<title>${escapeXml(title)}</title>
<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>
${parts.join('\n')}
</svg>
`
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
