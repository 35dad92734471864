/** Names per invocation at most, and their bytes at most (well below Linux's argument limits). */
export const ARG_BATCH = { files: 500, bytes: 64 * 1024 } as const;

/** Paths in batches of arguments that fit ARG_BATCH, in their order. */
export function argBatches(paths: readonly string[]): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const p of paths) {
    const len = Buffer.byteLength(p) + 1;
    if (batch.length && (batch.length >= ARG_BATCH.files || bytes + len > ARG_BATCH.bytes)) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(p);
    bytes += len;
  }
  if (batch.length) out.push(batch);
  return out;
}
