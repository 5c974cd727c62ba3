/** Called after each chunk an operation changed: how many are done of how many, and which. */
export type ChunkProgress = (done: number, total: number, chunk: string) => void

/** What a chunk operation did. */
export interface ChunkRun {
  /** The chunks it changed, `schema.name`, in the order it changed them. */
  chunks: string[]
  /** Chunks in the window that were already as asked (compressed, decompressed): left alone. */
  unchanged: number
  durationMs: number
}
