import { randomFillSync } from "node:crypto";
import { V7Generator } from "uuidv7";

/**
 * The operating system's random words, drawn 4 KiB at a time. The library's default draws 32 bytes
 * per call (one call per eight ids), and each call cost more than the id: 1.25 µs an id, 0.5 here.
 */
class BufferedRandom {
  private readonly words = new Uint32Array(1024);
  private next = this.words.length;
  nextUint32(): number {
    if (this.next === this.words.length) {
      randomFillSync(this.words);
      this.next = 0;
    }
    return this.words[this.next++]!;
  }
}

const ids = new V7Generator(new BufferedRandom());

/** Time-ordered ids (UUIDv7): they sort by creation, so they double as paging cursors. */
export function newId(): string {
  return ids.generate().toString();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
