// Parse trees kept per editor document and variant, so that a check after an edit re-parses
// only around the edit and re-reads nothing that came back unchanged.
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { findUsages, type FileUsages, type TypeOracle } from '../c/usages';
import { readReusingBodies, type BodiesRead } from './bodyReuse';
import { changedStretch } from './editShift';

interface KeptRead {
  /** The targets and workspace the read was for (they steer member types). */
  targetsKey: string;
  read: BodiesRead;
}

interface CachedTree {
  text: string;
  tree: Tree;
  /** What the usage finder read from this tree. */
  read?: KeptRead;
  /** The read of the text this one replaced: its unchanged function bodies need no re-reading. */
  earlier?: KeptRead;
}

export class DocumentTrees {
  private readonly documents = new Map<string, Map<string, CachedTree>>();

  constructor(private readonly parser: Parser) {}

  /**
   * Parses `text`, reusing the previous tree of the same document and variant when there is
   * one. Without a `documentKey` the caller owns the tree and deletes it.
   */
  parse(text: string, documentKey: string | undefined, variantKey: string): Tree {
    const cache = documentKey ? this.documentCache(documentKey) : undefined;
    const previous = cache?.get(variantKey);
    if (previous && previous.text === text) return previous.tree;
    const tree = previous ? this.reparse(previous, text) : this.parser.parse(text);
    if (!tree) throw new Error('the C parser returned no tree');
    if (cache) cache.set(variantKey, { text, tree, earlier: previous?.read ?? previous?.earlier });
    return tree;
  }

  /**
   * The usages in `tree` (from `parse`). Kept with the document's tree: when a text comes back
   * unchanged (a function an edit did not touch, re-read for some targets), nothing is re-read,
   * and after an edit only the function bodies it changed are (see bodyReuse.ts).
   */
  read(tree: Tree, documentKey: string | undefined, variantKey: string, targets: readonly number[], oracle: TypeOracle, workspaceGeneration = 0): FileUsages {
    const cached = documentKey ? this.documents.get(documentKey)?.get(variantKey) : undefined;
    if (cached?.tree !== tree) return findUsages(tree, oracle);
    const targetsKey = `${targets.join(',')}|${workspaceGeneration}`;
    if (cached.read?.targetsKey === targetsKey) return cached.read.read.usages;
    const earlier = cached.earlier?.targetsKey === targetsKey ? cached.earlier.read : undefined;
    cached.read = { targetsKey, read: readReusingBodies(tree, cached.text, oracle, earlier) };
    cached.earlier = undefined;
    return cached.read.read.usages;
  }

  /** Frees a document's trees that this check did not use (target groups that no longer exist). */
  dropExcept(documentKey: string, keep: ReadonlySet<string>): void {
    const cache = this.documents.get(documentKey);
    if (!cache) return;
    for (const [key, cached] of cache) {
      if (keep.has(key)) continue;
      cached.tree.delete();
      cache.delete(key);
    }
  }

  /** Drops the trees kept for a document (on close). */
  forget(documentKey: string): void {
    for (const cached of this.documents.get(documentKey)?.values() ?? []) cached.tree.delete();
    this.documents.delete(documentKey);
  }

  private documentCache(documentKey: string): Map<string, CachedTree> {
    let cache = this.documents.get(documentKey);
    if (!cache) this.documents.set(documentKey, (cache = new Map()));
    return cache;
  }

  /**
   * One edit spanning the changed middle, widened to the top-level declarations it touches:
   * tree-sitter then re-parses only those. Left narrower, it may reuse pieces of a declaration
   * the edit broke and recover from the error otherwise than a fresh parse does.
   */
  private reparse(previous: CachedTree, text: string): Tree | null {
    const old = previous.text;
    let { start, oldEnd, newEnd } = changedStretch(old, text);
    const root = previous.tree.rootNode;
    const first = topLevelAt(root, start);
    if (first && first.startIndex < start) start = first.startIndex;
    // And the declaration after: a broken one may take it in, which a reused one cannot.
    const last = topLevelAt(root, Math.max(start, oldEnd - 1));
    const widenTo = (end: number) => {
      newEnd += end - oldEnd;
      oldEnd = end;
    };
    if (last && last.endIndex > oldEnd) widenTo(last.endIndex);
    const following = root.firstChildForIndex(oldEnd);
    if (following && following.endIndex > oldEnd) widenTo(following.endIndex);
    previous.tree.edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition: pointAt(old, start),
      oldEndPosition: pointAt(old, oldEnd),
      newEndPosition: pointAt(text, newEnd),
    });
    const tree = this.parser.parse(text, previous.tree);
    previous.tree.delete();
    return tree;
  }
}

/** The top-level node of the tree that holds `index`, if one does. */
function topLevelAt(root: Node, index: number): Node | undefined {
  let node: Node | null = root.descendantForIndex(index);
  while (node && node.parent && node.parent.id !== root.id) node = node.parent;
  return node && node.id !== root.id && node.startIndex <= index && index < node.endIndex ? node : undefined;
}

/** Position (row, column) of a string offset, for tree-sitter edits. */
function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
