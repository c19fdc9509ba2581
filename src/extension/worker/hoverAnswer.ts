// What a hover says, from a document's latest check result: a struct member's history, a
// struct's, an #error that stops the build, an <include>'s, a called function's
// declarations, or a constant's or a typedef's presence. The host adds the command links and turns it into a vscode.Hover.
import { callHover } from '../../core/check/callHover';
import { constantHover } from '../../core/check/constantHover';
import { typedefHover } from '../../core/check/typedefHover';
import type { CheckResult } from '../../core/check/checker';
import { aggregateHover, memberHover, stopHover } from '../../core/check/hover';
import type { KernelDatabase } from '../../core/kernels/database';
import { includeHover } from '../../core/rules/missingHeader';
import type { HoverAnswer, HoverRequest } from './protocol';

/** A document's latest check, as the thread keeps it for hovers and quick fixes. */
export interface CheckedDocument {
  version: number;
  targets: number[];
  result: CheckResult;
  text: string;
}

export function hoverAnswer(db: KernelDatabase, document: CheckedDocument, request: HoverRequest): HoverAnswer | undefined {
  const { result, targets } = document;
  const contains = (r: { startIndex: number; endIndex: number }) => request.offset >= r.startIndex && request.offset <= r.endIndex;
  const usage = result.usages.find((u) => contains(u.usage.range));
  if (usage) {
    const aggregate = usage.usage.aggregate;
    return { markdown: memberHover(db, aggregate, usage.usage.member, targets, usage.targets), range: usage.usage.range, aggregate };
  }
  const mention = result.mentions.find((m) => contains(m.range));
  if (mention) return { markdown: aggregateHover(db, mention.aggregate, targets), range: mention.range, aggregate: mention.aggregate };
  const stop = result.stops.find((s) => s.line === request.line);
  if (stop) return { markdown: stopHover(db, stop.targets, targets), range: wholeLine(document.text, request.line) };
  const include = result.includes?.find((i) => i.line === request.line && request.character >= i.startColumn && request.character <= i.endColumn);
  if (include) {
    const range = { startLine: include.line, startColumn: include.startColumn, endLine: include.line, endColumn: include.endColumn, startIndex: 0, endIndex: 0 };
    return { markdown: includeHover(db, include.name, targets), range };
  }
  // On a call (`name(`): how each targeted kernel declares the function or macro; on a constant or a typedef, whether it has it.
  const markdown =
    request.call !== undefined
      ? callHover(db, request.call, targets)
      : request.constant !== undefined
        ? constantHover(db, request.constant, targets)
        : request.typeName !== undefined
          ? typedefHover(db, request.typeName, targets)
          : undefined;
  return markdown === undefined ? undefined : { markdown };
}

function wholeLine(text: string, line: number): HoverAnswer['range'] {
  const length = text.split('\n')[line]?.replace(/\r$/, '').length ?? 0;
  return { startLine: line, startColumn: 0, endLine: line, endColumn: length, startIndex: 0, endIndex: 0 };
}
