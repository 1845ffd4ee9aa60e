/** A binary min-heap of items ordered by (key, insertion order): ties pop first-in first-out. */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private seq = 0;

  /** Items held. */
  get size(): number {
    return this.items.length;
  }

  /** The smallest key, or Infinity when empty. */
  peekKey(): number {
    return this.keys[0] ?? Infinity;
  }

  push(key: number, item: T): void {
    this.keys.push(key);
    this.seqs.push(this.seq++);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  /** Removes and returns the item with the smallest key (throws when empty). */
  pop(): T {
    const top = this.items[0];
    if (top === undefined) throw new RangeError("pop() from an empty heap");
    const last = this.items.length - 1;
    this.move(last, 0);
    this.keys.pop();
    this.seqs.pop();
    this.items.pop();
    if (this.items.length > 0) this.down(0);
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a] as number;
    const kb = this.keys[b] as number;
    return ka < kb || (ka === kb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.items[to] = this.items[from] as T;
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a] as number;
    const s = this.seqs[a] as number;
    const it = this.items[a] as T;
    this.move(b, a);
    this.keys[b] = k;
    this.seqs[b] = s;
    this.items[b] = it;
  }

  private up(i: number): void {
    for (let p = (i - 1) >> 1; i > 0 && this.less(i, p); i = p, p = (i - 1) >> 1) this.swap(i, p);
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
