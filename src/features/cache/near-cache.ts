/**
 * A tiny in-process cache of DECODED values with a short lifetime, in front of the shared cache:
 * a hot key is answered without a Redis round trip and without decoding. Its lifetime bounds how
 * long another replica's push or erase can go unseen here (this process's own pushes and erases
 * drop their keys at once). Entries carry a refresh time before their expiry, so the reader can
 * refresh hot keys in the background instead of making a request wait when they expire (Caffeine's
 * refreshAfterWrite). A Map's insertion order gives eviction of the least recently set key in O(1).
 */
export interface NearEntry<V> {
  value: V;
  expiresAt: number;
  /** From then on a read should refresh the entry in the background (refresh-ahead), still answering with it until expiresAt. */
  refreshAt: number;
  /** A background refresh of this entry is under way. */
  refreshing: boolean;
}

export class NearCache<V> {
  private readonly entries = new Map<string, NearEntry<V>>();
  hits = 0;
  /**
   * Bumped by every delete. A read that began before a delete must not keep what it read: it may
   * be the value the delete was meant to drop (a push landed while the read was in flight).
   */
  epoch = 0;

  constructor(private readonly maxEntries: number) {}

  /** The entry, or undefined when absent or expired; an entry may hold `undefined` ("not in the store"). */
  get(key: string, now: number): NearEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    this.hits++;
    return entry;
  }

  /** The entry as it is, expired or not, without counting a hit. */
  peek(key: string): NearEntry<V> | undefined {
    return this.entries.get(key);
  }

  /**
   * Keeps `value` until `expiresAt`, as the newest key. A key already here keeps its entry object,
   * renewed in place: hot keys are set again every lifetime (refresh-ahead), and a new entry each
   * time would outlive a few young-generation GCs and be promoted, for the old generation to collect.
   */
  set(key: string, value: V, expiresAt: number, refreshAt = expiresAt): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      entry.value = value;
      entry.expiresAt = expiresAt;
      entry.refreshAt = refreshAt;
      entry.refreshing = false;
      this.entries.delete(key);
      this.entries.set(key, entry);
      return;
    }
    this.entries.set(key, { value, expiresAt, refreshAt, refreshing: false });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.epoch++;
  }
}
