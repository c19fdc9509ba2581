// Structs the type database never saw but some kernel's headers define: no kernel's BTF has
// them (platform data such as `struct asoc_simple_card_info`, renamed in 6.12, which no module
// of a built kernel uses), so the usage finder does not take them for the kernel's. Where the
// code needs such a struct's definition (an object or `sizeof` of it, and each `.member`
// designator of the object's initializer, which gcc reports one by one), the use is read from
// the text for `incomplete-struct`.
import type { AggregateRef, KernelDatabase } from '../kernels/database';
import { positionAt } from '../c/lineIndex';
import { needsDefinition } from '../c/sizedMentions';
import type { WholeUse } from '../rules/incompleteStruct';

export interface HeaderOnlyStructReading {
  isDirectiveLine: (line: number) => boolean;
  /** Whether the file defines the struct itself (then it is the driver's). */
  isDriversOwn: (tag: string) => boolean;
  /** The targets that certainly compile a mention of the struct on the line and mean the kernel's struct there. */
  targetsAt: (ref: AggregateRef, line: number) => number[];
  /** Whether the target compiles the line. */
  compiledAt: (image: number, line: number) => boolean;
}

/** The uses of header-only structs that need their definition, from the masked text. */
export function headerOnlyStructUses(db: KernelDatabase, masked: string, lineStartIndices: readonly number[], reading: HeaderOnlyStructReading): WholeUse[] {
  const isHeaderOnly = headerOnlyTags(db, reading);
  const uses: WholeUse[] = [];
  masked.split('\n').forEach((line, startLine) => {
    if (!line.includes('struct') || reading.isDirectiveLine(startLine)) return;
    for (const match of line.matchAll(/\bstruct\s+([A-Za-z_]\w*)/g)) {
      const tag = match[1];
      const startColumn = match.index! + match[0].length - tag.length;
      const endColumn = startColumn + tag.length;
      if (!needsDefinition(line, startColumn, endColumn) || !isHeaderOnly(tag)) continue;
      const ref = { kind: 'struct' as const, name: tag };
      const images = reading.targetsAt(ref, startLine);
      if (images.length === 0) continue;
      uses.push({ aggregate: ref, range: { startLine, startColumn, endLine: startLine, endColumn, startIndex: 0, endIndex: 0 }, targets: images });
      for (const designator of designatorsAfter(masked, lineStartIndices[startLine] + endColumn)) {
        const at = positionAt(lineStartIndices, designator.offset);
        const compiledOn = images.filter((image) => reading.compiledAt(image, at.line));
        const range = { startLine: at.line, startColumn: at.column, endLine: at.line, endColumn: at.column + designator.member.length, startIndex: 0, endIndex: 0 };
        if (compiledOn.length > 0) uses.push({ aggregate: ref, range, member: designator.member, targets: compiledOn });
      }
    }
  });
  return uses;
}

/** Whether a struct tag is header-only: unknown to the type database, not the file's own, defined by some kernel's headers. Each tag is asked once. */
function headerOnlyTags(db: KernelDatabase, reading: HeaderOnlyStructReading): (tag: string) => boolean {
  const headers = db.headers();
  const covered = db.images.map((_, image) => image).filter((image) => headers.covers(image));
  const known = new Map<string, boolean>();
  return (tag) => {
    let answer = known.get(tag);
    if (answer === undefined) {
      answer = !db.knows({ kind: 'struct', name: tag }) && !reading.isDriversOwn(tag) && covered.some((image) => (headers.definingHeaders(`struct ${tag}`, image)?.length ?? 0) > 0);
      known.set(tag, answer);
    }
    return answer;
  };
}

/**
 * The `.member` designators of the initializer of the declaration whose declarator follows
 * `from` (`demo_info = { .name = …, .card = … }`), at its first level, with their offsets;
 * none where the declaration has no brace initializer.
 */
function designatorsAfter(masked: string, from: number): { member: string; offset: number }[] {
  const start = /^\s+[A-Za-z_]\w*(?:\s+__\w+)*\s*=\s*\{/.exec(masked.slice(from, from + 400));
  if (!start) return [];
  const open = from + start[0].length - 1;
  const found: { member: string; offset: number }[] = [];
  let depth = 0;
  for (let i = open; i < masked.length && i < open + 100_000; i++) {
    const character = masked[i];
    if (character === '{' || character === '(' || character === '[') depth++;
    else if (character === '}' || character === ')' || character === ']') {
      if (--depth === 0) break;
    } else if (character === '.' && depth === 1) {
      const designator = /^\.\s*([A-Za-z_]\w*)\s*=/.exec(masked.slice(i, i + 200));
      const before = masked.slice(Math.max(open, i - 200), i).trimEnd();
      if (designator && (before.endsWith('{') || before.endsWith(','))) found.push({ member: designator[1], offset: i + designator[0].indexOf(designator[1]) });
    }
  }
  return found;
}
