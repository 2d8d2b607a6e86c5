/**
 * One build at a time per key: callers asking for a key while its build runs get that build's
 * result (or its error) instead of starting their own. For answers that are built once and then
 * kept: without it, every request that arrives before the first build has finished builds the same
 * answer again.
 */
export class SharedBuilds<K, V> {
  private readonly running = new Map<K, Promise<V>>();

  run(key: K, build: () => Promise<V>): Promise<V> {
    let pending = this.running.get(key);
    if (!pending) {
      pending = build().finally(() => this.running.delete(key));
      this.running.set(key, pending);
    }
    return pending;
  }
}
