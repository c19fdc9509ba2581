// Rule `error-directive`: an `#error` of the file that a targeted kernel certainly reaches (a
// driver refusing kernels it does not support: `#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)`
// / `#error "…"`). gcc reports it as an error and the build fails there; it goes on compiling
// the rest of the file, and so does the check (see PreprocessResult.stoppedAt). Judged in `.c` files only: a
// header checked alone does not know what its includers define first. An `#error` a .c file
// reaches through a workspace header is reported by gcc in the header, not at the `#include`:
// the .c file's check reports it there (CheckResult.headerFindings).
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';
import { LineState, type IncludedHeader } from '../c/preprocessor';

export const errorDirectiveRule = {
  code: 'error-directive',
  name: 'ErrorDirective',
  severity: 'warning',
  description: 'An #error that targeted kernels certainly reach: the build fails there.',
} as const satisfies RuleInfo;

const ERROR_DIRECTIVE = /^(\s*#\s*error\b)\s*(.*?)\s*$/;

/** `stops`: the lines where targets (image indices) stop, as CheckResult.stops gives them. */
export function errorDirectiveFindings(context: RuleContext, lines: readonly string[], stops: readonly { line: number; targets: number[] }[]): Finding[] {
  return stops.flatMap(({ line, targets }) => {
    const directive = ERROR_DIRECTIVE.exec(lines[line] ?? '');
    if (!directive) return [];
    const start = lines[line].length - lines[line].trimStart().length;
    const text = continued(lines, line, directive[2]);
    const said = text ? `: ${text.length > 100 ? `${text.slice(0, 99)}…` : text}` : '';
    return [
      {
        code: errorDirectiveRule.code,
        severity: context.severities[errorDirectiveRule.code],
        message: `This #error is reached on ${imagesOf(context, targets)}, so the build fails there${said}`,
        range: lineRange(line, start, lines[line].trimEnd().length),
        targets,
      },
    ];
  });
}

/**
 * The `#error`s of a workspace header that a .c file's build certainly reaches, found by that
 * file's check: gcc reports each at the header's line (and goes on). `reaches(slot)`: the
 * target's build of the file is not stopped by an include before.
 */
export function includedHeaderErrorFindings(context: RuleContext, header: IncludedHeader, reaches: (slot: number) => boolean): Finding[] {
  // Most headers have none: one search instead of splitting the text.
  if (!/#[ \t]*error\b/.test(header.text)) return [];
  const lines = header.text.split('\n');
  const stops: { line: number; targets: number[] }[] = [];
  lines.forEach((text, line) => {
    // A directive, not the same words in a comment.
    if (header.directiveLines[line] !== 1 || !ERROR_DIRECTIVE.test(text)) return;
    const targets = context.targets.filter((_, slot) => reaches(slot) && header.lineStates[slot]?.[line] === LineState.Active);
    if (targets.length > 0) stops.push({ line, targets });
  });
  return errorDirectiveFindings(context, lines, stops);
}

/** The directive's text with its continuation lines joined (`#error "v5.8+ is not supported, " \` / `"use the kernel's"`). */
function continued(lines: readonly string[], line: number, first: string): string {
  let text = first;
  for (let next = line + 1; text.endsWith('\\') && next < lines.length; next++) text = `${text.slice(0, -1).trimEnd()} ${lines[next].trim()}`;
  return text;
}
