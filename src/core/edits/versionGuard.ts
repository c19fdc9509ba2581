// A LINUX_VERSION_CODE guard as a text edit: the region in whole lines, each side of the
// boundary with its own text, directives indented as the file indents them, and the
// `#include <linux/version.h>` the guard needs. The fixes of several rules share it.
import { maskCode } from '../c/statements';
import { TextLines, type TextEdit } from './textEdits';

/** The boundary of a guard: `KERNEL_VERSION(major, minor, 0)`. */
export interface KernelVersion {
  major: number;
  minor: number;
}

/**
 * The region's text on each side of the boundary, from `start` (where the guarded code
 * begins) to `end`; an undefined side leaves the code out there.
 */
export interface GuardBranches {
  newer?: (start: number, end: number) => string;
  older?: (start: number, end: number) => string;
}

export function kernelVersion(version: KernelVersion): string {
  return `KERNEL_VERSION(${version.major}, ${version.minor}, 0)`;
}

/** Is this text only spaces, complete block comments and perhaps a final line comment? */
function isOnlyComments(text: string): boolean {
  return /^(?:[ \t]|\/\*(?:(?!\*\/)[\s\S])*\*\/)*(?:\/\/.*)?$/.test(text);
}

/** Does the file indent its directives (`\t#if`)? Kernel style, and the default, is column 0. */
function directiveIndentation(lines: TextLines, codeIndentation: string): string {
  let indented = 0;
  let flush = 0;
  for (let line = 0; line < lines.lineCount; line++) {
    const match = /^([ \t]*)#[ \t]*(?:if|ifdef|ifndef|elif|else|endif)\b/.exec(lines.content(line));
    if (!match) continue;
    if (match[1].length > 0) indented++;
    else flush++;
  }
  return indented > flush ? codeIndentation : '';
}

/** One level of indentation in the file's style: a tab unless lines are indented with spaces. */
function indentUnit(lines: TextLines): string {
  let tabs = 0;
  let spaces = 0;
  for (const line of lines.lines) {
    if (line.startsWith('\t')) tabs++;
    else if (line.startsWith('  ')) spaces++;
  }
  return spaces > tabs ? '    ' : '\t';
}

/**
 * The edit that wraps text[regionStart, regionEnd) in a version guard. The guard takes whole
 * lines: code before the region on its first line stays on a line of its own, code after it
 * on its last line moves below `#endif`; a trailing comment goes into both branches.
 */
export function versionGuardEdit(lines: TextLines, regionStart: number, regionEnd: number, branches: GuardBranches, version: KernelVersion): TextEdit {
  const text = lines.text;
  const eol = lines.eol;
  const first = lines.position(regionStart).line;
  const last = lines.position(regionEnd).line;
  const firstLineStart = lines.offset(first, 0);
  const lastLineEnd = lines.offset(last, lines.content(last).length);

  const prefix = text.slice(firstLineStart, regionStart);
  const prefixIsBlank = /^[ \t]*$/.test(prefix);
  let suffix = text.slice(regionEnd, lastLineEnd);
  let end = regionEnd;
  if (isOnlyComments(suffix)) {
    end = lastLineEnd;
    suffix = '';
  }
  // Code split off a line that opened a brace (`ops = { .name = "x",`) is one level deeper than that line.
  const masked = maskCode(prefix);
  const opensNesting = (masked.match(/[{(]/g)?.length ?? 0) > (masked.match(/[})]/g)?.length ?? 0);
  const indentation = prefixIsBlank ? prefix : lines.indentation(first) + (opensNesting ? indentUnit(lines) : '');
  const bodyStart = prefixIsBlank ? firstLineStart : regionStart;
  const branch = (body: ((start: number, end: number) => string) | undefined) => {
    if (body === undefined) return undefined;
    return prefixIsBlank ? body(bodyStart, end) : indentation + body(bodyStart, end);
  };
  const newer = branch(branches.newer);
  const older = branch(branches.older);
  const directive = directiveIndentation(lines, indentation);
  const condition = `LINUX_VERSION_CODE ${newer !== undefined ? '>=' : '<'} ${kernelVersion(version)}`;
  const parts: string[] = [];
  if (!prefixIsBlank) parts.push(prefix.trimEnd());
  parts.push(`${directive}#if ${condition}`);
  if (newer !== undefined) {
    parts.push(newer);
    if (older !== undefined) parts.push(`${directive}#else`, older);
  } else parts.push(older!);
  parts.push(`${directive}#endif`);
  if (suffix.trim() !== '') {
    // A closing brace moved below `#endif` lines up with the line that opened it.
    const rest = suffix.trimStart();
    parts.push((/^[)}\]]/.test(rest) ? lines.indentation(first) : indentation) + rest);
  }
  return { range: lines.rangeOf(firstLineStart, lastLineEnd), newText: parts.join(eol) };
}

const VERSION_HEADER = /^[ \t]*#[ \t]*include[ \t]*[<"]linux\/version\.h[>"]/;
const INCLUDE_LINE = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]/;

/**
 * The edit that adds `#include <linux/version.h>` to a file that lacks it: in order among
 * the file's own `<linux/...>` includes, else after its last include, else after the leading
 * comment. Only includes outside any #if count: one inside a conditional would not always apply.
 */
export function versionIncludeEdit(lines: TextLines): TextEdit | undefined {
  // A header's include guard (`#ifndef X_H` then `#define X_H` as its first directives) wraps
  // everything: includes inside it count as unconditional.
  const directives: number[] = [];
  for (let line = 0; line < lines.lineCount && directives.length < 2; line++) if (/^[ \t]*#/.test(lines.content(line))) directives.push(line);
  const guardName = directives.length === 2 ? /^[ \t]*#[ \t]*ifndef[ \t]+(\w+)/.exec(lines.content(directives[0]))?.[1] : undefined;
  const includeGuardLine = guardName && new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${guardName}\\b`).test(lines.content(directives[1])) ? directives[0] : -1;
  let depth = 0;
  const unconditional: { line: number; angled: boolean; path: string }[] = [];
  for (let line = 0; line < lines.lineCount; line++) {
    const content = lines.content(line);
    if (VERSION_HEADER.test(content)) return undefined;
    if (line === includeGuardLine) continue;
    if (/^[ \t]*#[ \t]*if/.test(content)) depth++;
    else if (/^[ \t]*#[ \t]*endif\b/.test(content)) depth = Math.max(0, depth - 1);
    const include = INCLUDE_LINE.exec(content);
    if (include && depth === 0) unconditional.push({ line, angled: include[1] === '<', path: include[2] });
  }
  const header = '#include <linux/version.h>';
  const insertBefore = (line: number): TextEdit => ({ range: { startLine: line, startColumn: 0, endLine: line, endColumn: 0 }, newText: header + lines.eol });
  const insertAfter = (line: number): TextEdit =>
    line + 1 < lines.lineCount
      ? insertBefore(line + 1)
      : { range: { startLine: line, startColumn: lines.lines[line].length, endLine: line, endColumn: lines.lines[line].length }, newText: lines.eol + header };
  const linux = unconditional.filter((i) => i.angled && i.path.startsWith('linux/'));
  if (linux.length > 0) {
    const later = linux.find((i) => i.path > 'linux/version.h');
    return later ? insertBefore(later.line) : insertAfter(linux[linux.length - 1].line);
  }
  if (unconditional.length > 0) return insertAfter(unconditional[unconditional.length - 1].line);
  // No includes: after the comment block and blank lines that open the file.
  let line = 0;
  let inComment = false;
  for (; line < lines.lineCount; line++) {
    const content = lines.content(line).trim();
    if (inComment) {
      if (content.includes('*/')) inComment = false;
      continue;
    }
    if (content === '' || content.startsWith('//')) continue;
    if (content.startsWith('/*')) {
      inComment = !content.includes('*/', 2);
      continue;
    }
    break;
  }
  return line < lines.lineCount ? insertBefore(line) : insertAfter(lines.lineCount - 1);
}

/** The region's directive lines must pair up inside it: a guard around half an #if breaks the file. */
export function balancedDirectives(lines: TextLines, first: number, last: number): boolean {
  let depth = 0;
  for (let line = first; line <= last; line++) {
    const match = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b/.exec(lines.content(line));
    if (!match) continue;
    if (match[1].startsWith('if')) depth++;
    else if (match[1] === 'endif') depth--;
    else if (depth === 0) return false;
    if (depth < 0) return false;
  }
  return depth === 0;
}

