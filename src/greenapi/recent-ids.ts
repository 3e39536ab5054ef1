// The ids of notifications processed lately, bounded: a journal read racing a just-finished row must not process it
// twice. Kept oldest first in a ring, so the oldest is forgotten by key (taking it from a Set's front gets slower with
// every deletion there, as the deleted slots pile up in front of the live ones).
export function createRecentIds(size: number) {
  const ids = new Set<number>();
  const ring: number[] = [];
  let at = 0;
  return {
    has: (id: number) => ids.has(id),
    /** Remembers the id, forgetting the oldest once `size` are kept. */
    add(id: number) {
      const oldest = ring[at];
      if (oldest !== undefined) ids.delete(oldest);
      ring[at] = id;
      at = (at + 1) % size;
      ids.add(id);
    },
    delete: (id: number) => void ids.delete(id),
    clear() {
      ids.clear();
      ring.length = 0;
      at = 0;
    },
  };
}
