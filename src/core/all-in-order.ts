/**
 * Promise.all for reads made side by side that were once made one after another: every one is waited for, and when
 * some failed, the error is the first one's in the order given (not the first to fail in time), as it was then.
 */
export async function allInOrder<T extends readonly unknown[]>(tasks: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(tasks);
  const values: unknown[] = [];
  for (const r of settled) {
    if (r.status === 'rejected') throw r.reason;
    values.push(r.value);
  }
  return values as unknown as T;
}
