/**
 * The IovaTree's invariants, checked the slow way for tests and the model's check(): red-black
 * colouring and black heights, key order, parent links, the node count, and the in-order thread
 * (pred/succ) against the structure. O(n), never on a hot path.
 */
import { type IovaTree, NIL } from "./tree.js";

/** Every violated invariant, as a message (empty when the tree is consistent). */
export function validateTree(tree: IovaTree): string[] {
  const { lo, left, right, parent, red, pred, succ } = tree;
  const root = tree.rootId;
  const problems: string[] = [];
  if (red[root]) problems.push("root is red");
  let count = 0;
  const walk = (x: number, min: number, max: number): number => {
    if (x === NIL) return 1;
    count++;
    const key = lo[x] as number;
    if (!(key > min && key < max)) problems.push(`node ${x} out of order`);
    const l = left[x] as number;
    const r = right[x] as number;
    if (l !== NIL && parent[l] !== x) problems.push(`bad parent link at ${l}`);
    if (r !== NIL && parent[r] !== x) problems.push(`bad parent link at ${r}`);
    if (red[x] && (red[l] || red[r])) problems.push(`red node ${x} has a red child`);
    const bl = walk(l, min, key);
    const br = walk(r, key, max);
    if (bl !== br) problems.push(`black height differs at ${x}`);
    return bl + (red[x] ? 0 : 1);
  };
  walk(root, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  if (count !== tree.size) problems.push(`size ${tree.size} but ${count} reachable nodes`);

  const minimum = (x: number) => {
    while (left[x] !== NIL) x = left[x] as number;
    return x;
  };
  // rb_next from the links alone, to check the thread against.
  const structuralNext = (x: number) => {
    if (right[x] !== NIL) return minimum(right[x] as number);
    let p = parent[x] as number;
    while (p !== NIL && x === right[p]) {
      x = p;
      p = parent[p] as number;
    }
    return p;
  };
  let expected = root === NIL ? NIL : minimum(root);
  let threaded = succ[NIL] as number;
  for (let i = 0; i <= tree.size; i++) {
    if (threaded !== expected) {
      problems.push(`in-order thread reaches ${threaded}, structure says ${expected}`);
      break;
    }
    if (threaded === NIL) break;
    if (succ[pred[threaded] as number] !== threaded)
      problems.push(`pred link broken at ${threaded}`);
    expected = structuralNext(threaded);
    threaded = succ[threaded] as number;
  }
  return problems;
}
