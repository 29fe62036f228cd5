// Parallel creates that fail together: what the docker provider runs at once (containers,
// networks, attachments, pod namespaces) is always awaited to the end before a failure counts.

/**
 * Like Promise.all, but rejects only once every promise settled: a failed create must not start
 * the teardown while other creates are still in flight (they would outlive it).
 */
export async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
