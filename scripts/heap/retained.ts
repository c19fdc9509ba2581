// What holds a heap's memory: every object's retained size (what collecting it would free),
// from the snapshot's dominator tree, and the biggest holders with the path that reaches
// them. Used to find what a checking thread keeps over a long run (DEVELOPING.md, "Memory").
//
//   node out/scripts/heap/retained.js thread.heapsnapshot [--top 40] [--under WorkspaceTypeIndex]
//
// --under NAME groups what the biggest object named NAME holds directly, by kind.
import { parseArgs } from 'node:util';
import { readHeapSnapshot, type HeapSnapshot } from './snapshot';

/** Edges the collector does not follow: what they reach is not held by them. */
const WEAK_EDGES = new Set(['weak', 'shortcut']);

interface Dominators {
  /** Each node's immediate dominator (-1: unreachable); the root is node 0 and dominates itself. */
  idom: Int32Array;
  retained: Float64Array;
}

/** Reachable nodes in post-order from the root (node 0), by strong edges. */
function postOrder(heap: HeapSnapshot): { order: Uint32Array; position: Int32Array; count: number } {
  const order = new Uint32Array(heap.nodeCount);
  const position = new Int32Array(heap.nodeCount).fill(-1);
  const nextEdge = new Uint32Array(heap.nodeCount);
  const seen = new Uint8Array(heap.nodeCount);
  const stack = [0];
  seen[0] = 1;
  nextEdge[0] = heap.firstEdge[0];
  let count = 0;
  while (stack.length > 0) {
    const node = stack[stack.length - 1];
    let descended = false;
    while (nextEdge[node] < heap.firstEdge[node + 1]) {
      const edge = nextEdge[node]++;
      if (WEAK_EDGES.has(heap.edgeType(edge))) continue;
      const target = heap.edgeTarget(edge);
      if (seen[target]) continue;
      seen[target] = 1;
      nextEdge[target] = heap.firstEdge[target];
      stack.push(target);
      descended = true;
      break;
    }
    if (descended) continue;
    stack.pop();
    position[node] = count;
    order[count++] = node;
  }
  return { order, position, count };
}

/** Cooper, Harvey and Kennedy's iterative algorithm ("A Simple, Fast Dominance Algorithm"). */
function dominators(heap: HeapSnapshot): Dominators {
  const { order, position, count } = postOrder(heap);
  const predecessors: number[][] = Array.from({ length: heap.nodeCount }, () => []);
  for (let node = 0; node < heap.nodeCount; node++) {
    if (position[node] < 0) continue;
    for (let edge = heap.firstEdge[node]; edge < heap.firstEdge[node + 1]; edge++) {
      if (!WEAK_EDGES.has(heap.edgeType(edge))) predecessors[heap.edgeTarget(edge)].push(node);
    }
  }
  const idom = new Int32Array(heap.nodeCount).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (position[a] < position[b]) a = idom[a];
      while (position[b] < position[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = count - 1; k >= 0; k--) {
      const node = order[k];
      if (node === 0) continue;
      let dominator = -1;
      for (const predecessor of predecessors[node]) {
        if (idom[predecessor] >= 0) dominator = dominator < 0 ? predecessor : intersect(predecessor, dominator);
      }
      if (dominator >= 0 && idom[node] !== dominator) {
        idom[node] = dominator;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(heap.nodeCount);
  for (let k = 0; k < count; k++) {
    const node = order[k];
    retained[node] += heap.selfSize(node);
    if (node !== 0) retained[idom[node]] += retained[node];
  }
  return { idom, retained };
}

function label(heap: HeapSnapshot, node: number): string {
  return `${heap.nodeType(node)} ${String(heap.nodeName(node)).slice(0, 48).replace(/\n/g, '\\n')}`;
}

/** The name of the edge by which `holder` reaches `node`; '…' where it holds it through several paths. */
function edgeBetween(heap: HeapSnapshot, holder: number, node: number): string {
  for (let edge = heap.firstEdge[holder]; edge < heap.firstEdge[holder + 1]; edge++) if (heap.edgeTarget(edge) === node) return heap.edgeName(edge);
  return '…';
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1).padStart(8);
}

function biggest(heap: HeapSnapshot, { idom, retained }: Dominators, top: number): string[] {
  const nodes: number[] = [];
  for (let node = 1; node < heap.nodeCount; node++) if (idom[node] >= 0 && retained[node] >= 1e6) nodes.push(node);
  nodes.sort((a, b) => retained[b] - retained[a]);
  return nodes.slice(0, top).map((node) => {
    const path: string[] = [];
    for (let at = node, steps = 0; at !== 0 && steps < 3; steps++, at = idom[at]) path.push(`${edgeBetween(heap, idom[at], at)} of ${label(heap, idom[at])}`);
    return `${megabytes(retained[node])} MB  ${label(heap, node)}  <- ${path.join(' <- ')}`;
  });
}

function heldBy(heap: HeapSnapshot, { idom, retained }: Dominators, name: string): string[] {
  let holder = -1;
  for (let node = 0; node < heap.nodeCount; node++) if (heap.nodeName(node) === name && idom[node] >= 0 && (holder < 0 || retained[node] > retained[holder])) holder = node;
  if (holder < 0) return [`no object named ${name}`];
  const groups = new Map<string, { bytes: number; count: number }>();
  for (let node = 0; node < heap.nodeCount; node++) {
    if (idom[node] !== holder || node === holder) continue;
    const kind = heap.nodeType(node).includes('string') ? heap.nodeType(node) : label(heap, node).slice(0, 40);
    const group = groups.get(kind) ?? { bytes: 0, count: 0 };
    group.bytes += retained[node];
    group.count++;
    groups.set(kind, group);
  }
  return [
    `${megabytes(retained[holder])} MB  ${label(heap, holder)}, of which directly held:`,
    ...[...groups]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, 25)
      .map(([kind, { bytes, count }]) => `${megabytes(bytes)} MB  ${String(count).padStart(8)} × ${kind}`),
  ];
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, under: { type: 'string' } } });
  if (positionals.length !== 1) throw new Error('usage: retained.js <file.heapsnapshot> [--top N] [--under NAME]');
  const heap = readHeapSnapshot(positionals[0]);
  const found = dominators(heap);
  console.log(`${megabytes(found.retained[0])} MB reachable, ${heap.nodeCount} nodes`);
  for (const line of values.under !== undefined ? heldBy(heap, found, values.under) : biggest(heap, found, Number(values.top))) console.log(line);
}

main();
