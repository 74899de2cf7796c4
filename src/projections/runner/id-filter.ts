const BITS_PER_ID = 10;
const PROBES = 7;

interface Filter {
  readonly bits: Uint32Array;
  readonly size: number;
  readonly capacity: number;
  count: number;
}

/**
 * A set of ids that never forgets one it was given but may claim, about once in a hundred,
 * to hold one it was not: a Bloom filter of about 10 bits per id (7 probes), growing by
 * adding a filter twice as large whenever the last one is full. A rebuild asks it whether a
 * document it no longer holds in memory may be in the store; 3 million ids take about 4 MB
 * where a Set of them would take some 200 MB.
 */
export class IdFilter {
  private readonly filters: Filter[] = [];

  constructor(private readonly firstCapacity = 65_536) {}

  add(id: string): void {
    let filter = this.filters.at(-1);
    if (filter === undefined || filter.count >= filter.capacity) {
      const capacity = filter === undefined ? this.firstCapacity : filter.capacity * 2;
      const words = Math.ceil((capacity * BITS_PER_ID) / 32);
      filter = { bits: new Uint32Array(words), size: words * 32, capacity, count: 0 };
      this.filters.push(filter);
    }
    const [h1, h2] = hashes(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % filter.size;
      filter.bits[at >>> 5]! |= 1 << (at & 31);
    }
    filter.count++;
  }

  /** False: never added. True: added, or (rarely) a false positive. */
  mightHave(id: string): boolean {
    if (this.filters.length === 0) return false;
    const [h1, h2] = hashes(id);
    return this.filters.some((filter) => {
      for (let i = 0; i < PROBES; i++) {
        const at = ((h1 + Math.imul(i, h2)) >>> 0) % filter.size;
        if ((filter.bits[at >>> 5]! & (1 << (at & 31))) === 0) return false;
      }
      return true;
    });
  }
}

/** Two independent 32-bit hashes of the string (FNV-1a and a multiplicative one), in one pass. */
const hashes = (id: string): [number, number] => {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // Odd, so the probes of one id never collapse onto a single bit.
  return [a >>> 0, (b | 1) >>> 0];
};
