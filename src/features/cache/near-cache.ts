/**
 * A tiny in-process cache of DECODED values with a short lifetime, in front of the shared cache:
 * a hot key is answered without a Redis round trip and without decoding. Its lifetime bounds how
 * long another replica's push or erase can go unseen here (this process's own pushes and erases
 * drop their keys at once). Map iteration order gives LRU eviction in O(1), as in MemoryLruCache.
 */
export class NearCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  hits = 0;

  constructor(private readonly maxEntries: number) {}

  /** The entry, or undefined when absent or expired; an entry may hold `undefined` ("not in the store"). */
  get(key: string, now: number): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    this.hits++;
    return entry;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
