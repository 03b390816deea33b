import { uuidFromWords } from "@siyu/storage";
import { grown } from "./typed-arrays";

/**
 * Dense numbers 0, 1, 2 … for UUIDs given as four 32-bit words (Warehouse chunk `uuidWords`):
 * an open-addressing hash table over typed arrays, exact (the whole 128 bits are compared), with
 * no string or object per key — millions of identifiers fit in tens of megabytes.
 */
export class UuidKeys {
  private words = new Uint32Array(4 * 1024);
  private slots = new Int32Array(2048).fill(-1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The key of the UUID at words[at … at + 3], numbering it when new. */
  keyOf(words: Uint32Array, at = 0): number {
    const w0 = words[at]!;
    const w1 = words[at + 1]!;
    const w2 = words[at + 2]!;
    const w3 = words[at + 3]!;
    const mask = this.slots.length - 1;
    for (let slot = hashWords(w0, w1, w2, w3) & mask; ; slot = (slot + 1) & mask) {
      const key = this.slots[slot]!;
      if (key === -1) break;
      const k = key * 4;
      if (this.words[k] === w0 && this.words[k + 1] === w1 && this.words[k + 2] === w2 && this.words[k + 3] === w3) return key;
    }
    const key = this.count++;
    if (this.words.length < this.count * 4) this.words = grown(this.words);
    const k = key * 4;
    this.words[k] = w0;
    this.words[k + 1] = w1;
    this.words[k + 2] = w2;
    this.words[k + 3] = w3;
    // At most half full: probes stay short.
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(key);
    return key;
  }

  /** The UUID's text. */
  uuidOf(key: number): string {
    return uuidFromWords(this.words, key * 4);
  }

  /** UUID order of two keys (the order DuckDB sorts the UUIDs in). */
  compare(a: number, b: number): number {
    for (let i = 3; i >= 0; i--) {
      const d = this.words[a * 4 + i]! - this.words[b * 4 + i]!;
      if (d !== 0) return d;
    }
    return 0;
  }

  private place(key: number): void {
    const k = key * 4;
    const mask = this.slots.length - 1;
    let slot = hashWords(this.words[k]!, this.words[k + 1]!, this.words[k + 2]!, this.words[k + 3]!) & mask;
    while (this.slots[slot] !== -1) slot = (slot + 1) & mask;
    this.slots[slot] = key;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity).fill(-1);
    for (let key = 0; key < this.count; key++) this.place(key);
  }
}

function hashWords(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w1 ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ w2 ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ w3 ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 15)) >>> 0;
}
