/**
 * The IOVA red-black tree (the kernel's `iovad->rbroot`), as struct-of-arrays typed storage so a
 * million live IOVAs cost ~30 bytes each and no per-node objects.
 *
 * Nodes are keyed by pfn_lo; the kernel keeps them non-overlapping, so pfn_hi is ordered too.
 * Node ids are small integers, reused after erase; id 0 is the black NIL sentinel (CLRS style),
 * whose parent field is scratch space during erase. The tree is threaded: `pred` and `succ` hold
 * the in-order neighbours as a circular list through NIL, so rb_prev/rb_next, which the
 * allocation walk calls at every step, are one array read.
 */

/** The NIL node id: "no node", as a NULL rb_node pointer. */
export const NIL = 0;

const INITIAL_CAPACITY = 8;
/**
 * Capacities up to this get one typed array per field: V8 keeps typed arrays of at most 64 bytes
 * on the JS heap, and eight of those cost less than one off-heap buffer. A model is created per
 * fuzz execution, and most executions never grow past this.
 */
const SMALL_CAPACITY = 8;
/** Bytes per node across all the arrays: lo, hi (8 each), five links (4 each), color (1). */
const NODE_BYTES = 8 + 8 + 4 * 5 + 1;

export class IovaTree {
  /** pfn_lo per node id. Mutable by the owner only where the kernel mutates it (reserve_iova). */
  lo: Float64Array;
  /** pfn_hi per node id. */
  hi: Float64Array;
  /** Links and colour per node id: read-only outside the tree (./tree-check.ts reads them). */
  left: Int32Array;
  right: Int32Array;
  parent: Int32Array;
  red: Uint8Array;
  /** In-order predecessor per node id (read-only outside the tree; hot loops hold it in a local). */
  pred: Int32Array;
  /** In-order successor per node id (read-only outside the tree). */
  succ: Int32Array;
  private root = NIL;
  private nextUnused = 1;
  /** Head of the free-id list, linked through `right`. */
  private freeHead = NIL;
  private live = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    const n = Math.max(2, capacity);
    if (n <= SMALL_CAPACITY) {
      this.lo = new Float64Array(n);
      this.hi = new Float64Array(n);
      this.left = new Int32Array(n);
      this.right = new Int32Array(n);
      this.parent = new Int32Array(n);
      this.pred = new Int32Array(n);
      this.succ = new Int32Array(n);
      this.red = new Uint8Array(n);
      return;
    }
    // Larger trees: one off-heap buffer for all the arrays, one allocation instead of eight.
    const buffer = new ArrayBuffer(n * NODE_BYTES);
    this.lo = new Float64Array(buffer, 0, n);
    this.hi = new Float64Array(buffer, 8 * n, n);
    this.left = new Int32Array(buffer, 16 * n, n);
    this.right = new Int32Array(buffer, 20 * n, n);
    this.parent = new Int32Array(buffer, 24 * n, n);
    this.pred = new Int32Array(buffer, 28 * n, n);
    this.succ = new Int32Array(buffer, 32 * n, n);
    this.red = new Uint8Array(buffer, 36 * n, n);
  }

  /** The root node id, or NIL. */
  get rootId(): number {
    return this.root;
  }

  /** Number of nodes in the tree. */
  get size(): number {
    return this.live;
  }

  /** Bytes held by the typed arrays (for memory figures). */
  get byteLength(): number {
    return this.lo.length * NODE_BYTES;
  }

  /**
   * Inserts [lo, hi] and returns its id, or NIL when a node with the same pfn_lo exists (the kernel
   * WARNs "this should not happen" and leaves the tree unchanged).
   */
  insert(lo: number, hi: number): number {
    let parent = NIL;
    let x = this.root;
    let goLeft = false;
    while (x !== NIL) {
      parent = x;
      const key = this.lo[x] as number;
      if (lo < key) {
        x = this.left[x] as number;
        goLeft = true;
      } else if (lo > key) {
        x = this.right[x] as number;
        goLeft = false;
      } else {
        return NIL;
      }
    }
    return this.link(lo, hi, parent, goLeft);
  }

  /**
   * Inserts [lo, hi] between `succ` and its in-order predecessor `pred` (NIL when none), which the
   * caller has just walked, as the kernel's iova_insert_rbtree() does from its `prev` hint: the
   * slot is succ's empty left child, else pred's empty right child, found in O(1).
   */
  insertBefore(succ: number, pred: number, lo: number, hi: number): number {
    return this.left[succ] === NIL ? this.link(lo, hi, succ, true) : this.link(lo, hi, pred, false);
  }

  /** Removes node z (which must be live). */
  erase(z: number): void {
    const { left, right, parent, red } = this;
    let y = z;
    let yWasRed = red[y] as number;
    let x: number;
    if (left[z] === NIL) {
      x = right[z] as number;
      this.transplant(z, x);
    } else if (right[z] === NIL) {
      x = left[z] as number;
      this.transplant(z, x);
    } else {
      y = this.minimum(right[z] as number);
      yWasRed = red[y] as number;
      x = right[y] as number;
      if (parent[y] === z) {
        parent[x] = y;
      } else {
        this.transplant(y, x);
        right[y] = right[z] as number;
        parent[right[y] as number] = y;
      }
      this.transplant(z, y);
      left[y] = left[z] as number;
      parent[left[y] as number] = y;
      red[y] = red[z] as number;
    }
    if (!yWasRed) this.eraseFixup(x);
    const before = this.pred[z] as number;
    const after = this.succ[z] as number;
    this.succ[before] = after;
    this.pred[after] = before;
    this.release(z);
  }

  /** The in-order successor (rb_next), or NIL. */
  next(x: number): number {
    return this.succ[x] as number;
  }

  /** The in-order predecessor (rb_prev), or NIL. */
  prev(x: number): number {
    return this.pred[x] as number;
  }

  /** The lowest node (rb_first), or NIL. */
  first(): number {
    return this.succ[NIL] as number;
  }

  /** The node with lo <= pfn <= hi (private_find_iova), or NIL. */
  findContaining(pfn: number): number {
    let x = this.root;
    while (x !== NIL) {
      if (pfn < (this.lo[x] as number)) x = this.left[x] as number;
      else if (pfn > (this.hi[x] as number)) x = this.right[x] as number;
      else return x;
    }
    return NIL;
  }

  /** The lowest node whose pfn_hi >= limit, or NIL. */
  lowestEndingAtOrAbove(limit: number): number {
    let best = NIL;
    let x = this.root;
    while (x !== NIL) {
      if ((this.hi[x] as number) >= limit) {
        best = x;
        x = this.left[x] as number;
      } else {
        x = this.right[x] as number;
      }
    }
    return best;
  }

  /** Links a new red node under `parent` and rebalances; returns its id. */
  private link(lo: number, hi: number, parent: number, asLeft: boolean): number {
    const z = this.allocateId();
    this.lo[z] = lo;
    this.hi[z] = hi;
    this.left[z] = NIL;
    this.right[z] = NIL;
    this.parent[z] = parent;
    this.red[z] = 1;
    // A new left child comes just before its parent in order, a new right child just after.
    let before: number;
    let after: number;
    if (parent === NIL) {
      this.root = z;
      before = NIL;
      after = NIL;
    } else if (asLeft) {
      this.left[parent] = z;
      before = this.pred[parent] as number;
      after = parent;
    } else {
      this.right[parent] = z;
      before = parent;
      after = this.succ[parent] as number;
    }
    this.pred[z] = before;
    this.succ[z] = after;
    this.succ[before] = z;
    this.pred[after] = z;
    this.live++;
    this.insertFixup(z);
    return z;
  }

  private minimum(x: number): number {
    while (this.left[x] !== NIL) x = this.left[x] as number;
    return x;
  }

  private allocateId(): number {
    if (this.freeHead !== NIL) {
      const id = this.freeHead;
      this.freeHead = this.right[id] as number;
      return id;
    }
    if (this.nextUnused === this.lo.length) this.grow();
    return this.nextUnused++;
  }

  private release(id: number): void {
    this.right[id] = this.freeHead;
    this.freeHead = id;
    this.live--;
  }

  private grow(): void {
    const bigger = new IovaTree(this.lo.length * 2);
    bigger.lo.set(this.lo);
    bigger.hi.set(this.hi);
    bigger.left.set(this.left);
    bigger.right.set(this.right);
    bigger.parent.set(this.parent);
    bigger.pred.set(this.pred);
    bigger.succ.set(this.succ);
    bigger.red.set(this.red);
    ({ lo: this.lo, hi: this.hi, left: this.left, right: this.right } = bigger);
    ({ parent: this.parent, pred: this.pred, succ: this.succ, red: this.red } = bigger);
  }

  private transplant(u: number, v: number): void {
    const p = this.parent[u] as number;
    if (p === NIL) this.root = v;
    else if (u === this.left[p]) this.left[p] = v;
    else this.right[p] = v;
    this.parent[v] = p;
  }

  private rotateLeft(x: number): void {
    const { left, right, parent } = this;
    const y = right[x] as number;
    right[x] = left[y] as number;
    if (left[y] !== NIL) parent[left[y] as number] = x;
    this.transplant(x, y);
    left[y] = x;
    parent[x] = y;
  }

  private rotateRight(x: number): void {
    const { left, right, parent } = this;
    const y = left[x] as number;
    left[x] = right[y] as number;
    if (right[y] !== NIL) parent[right[y] as number] = x;
    this.transplant(x, y);
    right[y] = x;
    parent[x] = y;
  }

  private insertFixup(z: number): void {
    const { left, right, parent, red } = this;
    while (red[parent[z] as number]) {
      const p = parent[z] as number;
      const g = parent[p] as number;
      if (p === left[g]) {
        const uncle = right[g] as number;
        if (red[uncle]) {
          red[p] = 0;
          red[uncle] = 0;
          red[g] = 1;
          z = g;
        } else {
          if (z === right[p]) {
            z = p;
            this.rotateLeft(z);
          }
          red[parent[z] as number] = 0;
          red[parent[parent[z] as number] as number] = 1;
          this.rotateRight(parent[parent[z] as number] as number);
        }
      } else {
        const uncle = left[g] as number;
        if (red[uncle]) {
          red[p] = 0;
          red[uncle] = 0;
          red[g] = 1;
          z = g;
        } else {
          if (z === left[p]) {
            z = p;
            this.rotateRight(z);
          }
          red[parent[z] as number] = 0;
          red[parent[parent[z] as number] as number] = 1;
          this.rotateLeft(parent[parent[z] as number] as number);
        }
      }
    }
    red[this.root] = 0;
  }

  private eraseFixup(x: number): void {
    const { left, right, parent, red } = this;
    while (x !== this.root && !red[x]) {
      const p = parent[x] as number;
      if (x === left[p]) {
        let w = right[p] as number;
        if (red[w]) {
          red[w] = 0;
          red[p] = 1;
          this.rotateLeft(p);
          w = right[parent[x] as number] as number;
        }
        if (!red[left[w] as number] && !red[right[w] as number]) {
          red[w] = 1;
          x = parent[x] as number;
        } else {
          if (!red[right[w] as number]) {
            red[left[w] as number] = 0;
            red[w] = 1;
            this.rotateRight(w);
            w = right[parent[x] as number] as number;
          }
          red[w] = red[parent[x] as number] as number;
          red[parent[x] as number] = 0;
          red[right[w] as number] = 0;
          this.rotateLeft(parent[x] as number);
          x = this.root;
        }
      } else {
        let w = left[p] as number;
        if (red[w]) {
          red[w] = 0;
          red[p] = 1;
          this.rotateRight(p);
          w = left[parent[x] as number] as number;
        }
        if (!red[right[w] as number] && !red[left[w] as number]) {
          red[w] = 1;
          x = parent[x] as number;
        } else {
          if (!red[left[w] as number]) {
            red[right[w] as number] = 0;
            red[w] = 1;
            this.rotateLeft(w);
            w = left[parent[x] as number] as number;
          }
          red[w] = red[parent[x] as number] as number;
          red[parent[x] as number] = 0;
          red[left[w] as number] = 0;
          this.rotateRight(parent[x] as number);
          x = this.root;
        }
      }
    }
    red[x] = 0;
  }
}
