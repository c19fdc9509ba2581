// A cache of at most so many entries, least recently used out, whose storage grows as it fills.
// lru-cache's `max` option allocates and fills every slot when the cache is made: 200,000 slots
// cost 17 ms and 5 MB, which the editor paid on every check (it makes an include resolver per
// check) and a CLI run once per set of include folders. Bounded by size, with each entry of size
// one, lru-cache keeps the same bound and allocates as entries come.
import { LRUCache } from 'lru-cache';

export function countedCache<K extends {}, V extends {}>(entries: number): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: entries, sizeCalculation: () => 1 });
}
