// Reads a V8 heap snapshot (`v8.writeHeapSnapshot()`, or DevTools' .heapsnapshot) into flat
// typed arrays. A checking thread's snapshot late in a run over drivers/ is 1-2 GB of JSON
// with tens of millions of numbers: JSON.parse on it runs out of memory, so the node and
// edge arrays are read as digits straight from the bytes, and only the string table is parsed.
import { readFileSync } from 'node:fs';

export interface HeapSnapshot {
  nodeCount: number;
  /** Per node: its type name (`object`, `string`, `closure`…). */
  nodeType(node: number): string;
  /** Per node: its name (a constructor's name, a string's text). */
  nodeName(node: number): string;
  selfSize(node: number): number;
  /** The node's outgoing edges are edges [firstEdge[node], firstEdge[node + 1]). */
  firstEdge: Uint32Array;
  edgeType(edge: number): string;
  /** A property's name, or an element's or hidden edge's index as `[n]`. */
  edgeName(edge: number): string;
  edgeTarget(edge: number): number;
}

interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

export function readHeapSnapshot(path: string): HeapSnapshot {
  const bytes = readFileSync(path);
  const nodesAt = sectionStart(bytes, '"nodes":[');
  const head = bytes.subarray(0, nodesAt).toString('utf8');
  const meta = JSON.parse(head.slice(head.indexOf('"meta":') + 7, head.indexOf(',"node_count"'))) as SnapshotMeta;
  const nodes = numbersFrom(bytes, nodesAt);
  const edges = numbersFrom(bytes, sectionStart(bytes, '"edges":['));
  const stringsAt = sectionStart(bytes, '"strings":[') - 1;
  const strings = JSON.parse(bytes.subarray(stringsAt, bytes.lastIndexOf(']') + 1).toString('utf8')) as string[];

  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const field = (fields: string[], name: string) => {
    const at = fields.indexOf(name);
    if (at < 0) throw new Error(`${path}: the snapshot has no ${name} field`);
    return at;
  };
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((name) => field(meta.node_fields, name));
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((name) => field(meta.edge_fields, name));
  const nodeCount = nodes.length / nodeFields;
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let node = 0, edge = 0; node < nodeCount; node++) {
    firstEdge[node] = edge;
    edge += nodes[node * nodeFields + edgeCountAt];
  }
  firstEdge[nodeCount] = edges.length / edgeFields;
  const edgeTypes = meta.edge_types[0];
  return {
    nodeCount,
    nodeType: (node) => meta.node_types[0][nodes[node * nodeFields + typeAt]],
    nodeName: (node) => strings[nodes[node * nodeFields + nameAt]],
    selfSize: (node) => nodes[node * nodeFields + sizeAt],
    firstEdge,
    edgeType: (edge) => edgeTypes[edges[edge * edgeFields + edgeTypeAt]],
    edgeName: (edge) => {
      const type = edgeTypes[edges[edge * edgeFields + edgeTypeAt]];
      const nameOrIndex = edges[edge * edgeFields + edgeNameAt];
      return type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : strings[nameOrIndex];
    },
    edgeTarget: (edge) => edges[edge * edgeFields + toAt] / nodeFields,
  };
}

/** Just past `marker` in the file. */
function sectionStart(bytes: Buffer, marker: string): number {
  const at = bytes.indexOf(marker);
  if (at < 0) throw new Error(`not a V8 heap snapshot: no ${marker}`);
  return at + marker.length;
}

/** The comma-separated whole numbers from `start` to the closing `]`. */
function numbersFrom(bytes: Buffer, start: number): Uint32Array {
  let values = new Uint32Array(1 << 20);
  let count = 0;
  let value = 0;
  let inNumber = false;
  for (let i = start; ; i++) {
    const byte = bytes[i];
    if (byte >= 48 && byte <= 57) {
      value = value * 10 + (byte - 48);
      inNumber = true;
      continue;
    }
    if (inNumber) {
      if (count === values.length) {
        const grown = new Uint32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[count++] = value;
      value = 0;
      inNumber = false;
    }
    if (byte === 93 /* ] */ || byte === undefined) return values.subarray(0, count);
  }
}
