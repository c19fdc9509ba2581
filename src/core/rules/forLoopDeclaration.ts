// Rule `for-loop-declaration`: `for (int i = 0; …)` on a targeted kernel before 5.18. Those
// kernels compile every file, modules included, with -std=gnu89, and gcc refuses a declaration
// in a loop's first clause there ("'for' loop initial declarations are only allowed in C99 or
// C11 mode"); 5.18 moved to -std=gnu11. Judged on certainly compiled lines of `.c` files the
// module's Kbuild names as objects (a header may also be read by a compile of another recipe),
// and only where its make files name no C standard of their own (`ccflags-y += -std=gnu99`) and
// were read in full: the checker passes no loops otherwise.
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import type { Finding } from '../check/findings';
import type { LoopDeclaration, LoopRewrite } from '../c/loopDeclarations';
import { TextLines, type QuickFix } from '../edits/textEdits';

export const forLoopDeclarationRule = {
  code: 'for-loop-declaration',
  name: 'ForLoopDeclaration',
  severity: 'warning',
  description: "A variable declared in a `for` statement's first clause, which targeted kernels before 5.18 refuse: they compile modules with -std=gnu89.",
} as const satisfies RuleInfo;

/** The first kernel whose Kbuild compiles with -std=gnu11 instead of -std=gnu89. */
const GNU11_SINCE = (5 << 16) | (18 << 8);

export interface ForLoopDeclarationInput {
  loops: readonly LoopDeclaration[];
  /** Whether the target in `slot` certainly compiles the line (and builds the file). */
  compiled: (slot: number, line: number) => boolean;
}

export function forLoopDeclarationFindings(context: RuleContext, input: ForLoopDeclarationInput): Finding[] {
  const gnu89 = context.targets.map((image) => context.db.images[image].versionCode < GNU11_SINCE);
  const findings: Finding[] = [];
  for (const loop of input.loops) {
    const refusing = context.targets.filter((_, slot) => gnu89[slot] && input.compiled(slot, loop.line) && input.compiled(slot, loop.range.startLine));
    if (refusing.length === 0) continue;
    const names = loop.names.map((name) => `\`${name}\``).join(', ');
    findings.push({
      code: forLoopDeclarationRule.code,
      severity: context.severities[forLoopDeclarationRule.code],
      message: `\`for\` declares ${names} in its first clause, which -std=gnu89 refuses: ${imagesOf(context, refusing)} compile${refusing.length === 1 ? 's' : ''} modules with it (kernels before 5.18), so the loop does not compile there; declare ${names} before the loop`,
      range: loop.range,
      targets: refusing,
      ...(loop.rewrite ? { loop: loop.rewrite } : {}),
    });
  }
  return findings;
}

/**
 * The fix: the loop in a block of its own that declares its variables first, so that their scope
 * stays the loop's (a name declared before it, or by a later loop, is untouched), every line of
 * the loop one level deeper. C89 compiles it on every kernel.
 */
export function forLoopDeclarationFixes(text: string, loop: LoopRewrite): QuickFix[] {
  const lines = new TextLines(text);
  const forLine = lines.position(loop.statement.start).line;
  const indentation = lines.indentation(forLine);
  const unit = indentation.includes(' ') && !indentation.includes('\t') ? '    ' : '\t';
  const rewritten = text.slice(loop.statement.start, loop.clause.start) + `${loop.initializer};` + text.slice(loop.clause.end, loop.statement.end);
  const eol = lines.eol;
  const deeper = rewritten.split(/\r?\n/).join(eol + unit);
  const block = ['{', `${indentation}${unit}${loop.declaration}`, '', `${indentation}${unit}${deeper}`, `${indentation}}`].join(eol);
  return [
    {
      title: `Declare ${loop.declaration.replace(/;$/, '')} in a block around the loop (C89, as kernels before 5.18 compile)`,
      kind: 'guard',
      preferred: true,
      edits: [{ range: lines.rangeOf(loop.statement.start, loop.statement.end), newText: block }],
    },
  ];
}
