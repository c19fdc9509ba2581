// Rule `error-directive`: an `#error` of the file that a targeted kernel certainly reaches (a
// driver refusing kernels it does not support: `#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)`
// / `#error "…"`). gcc reports it as an error and the build fails there; it goes on compiling
// the rest of the file, and so does the check (see PreprocessResult.stoppedAt). Judged in `.c` files only: a
// header checked alone does not know what its includers define first, and an `#error` a .c file
// reaches through a header is reported by gcc in the header, not at the `#include`.
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';

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

/** The directive's text with its continuation lines joined (`#error "v5.8+ is not supported, " \` / `"use the kernel's"`). */
function continued(lines: readonly string[], line: number, first: string): string {
  let text = first;
  for (let next = line + 1; text.endsWith('\\') && next < lines.length; next++) text = `${text.slice(0, -1).trimEnd()} ${lines[next].trim()}`;
  return text;
}
