// Rule `symbol-namespace`: `MODULE_IMPORT_NS(DMA_BUF)`, a namespace named bare, on a targeted
// kernel from 6.13. Until 6.12 the macro stringified its argument; from 6.13 it takes a string
// literal (`MODULE_IMPORT_NS("DMA_BUF")`) and pastes it into the module's .modinfo string, so
// gcc reads the bare word as a name: "'DMA_BUF' undeclared here (not in a function)".
// (`EXPORT_SYMBOL_NS(sym, NS)` changed the same way but still compiles with a bare word, so it
// is not judged.) Judged on certainly compiled lines; a word the driver defines as a macro (a
// string of its own) is never judged.
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';
import type { BareNamespace } from '../c/namespaceImports';

export const symbolNamespaceRule = {
  code: 'symbol-namespace',
  name: 'SymbolNamespace',
  severity: 'warning',
  description: 'MODULE_IMPORT_NS with a bare namespace word where targeted kernels from 6.13 take a string literal: the word is an undeclared name there.',
} as const satisfies RuleInfo;

/** The first LINUX_VERSION_CODE whose MODULE_IMPORT_NS takes a string literal. */
const STRING_NAMESPACES_SINCE = (6 << 16) | (13 << 8);

export interface SymbolNamespaceInput {
  imports: readonly BareNamespace[];
  /** Whether the target in `slot` certainly compiles the line (and builds the file). */
  compiled: (slot: number, line: number) => boolean;
  definedByDriver: (name: string) => boolean;
}

export function symbolNamespaceFindings(context: RuleContext, input: SymbolNamespaceInput): Finding[] {
  const takesStrings = context.targets.map((image) => context.db.images[image].versionCode >= STRING_NAMESPACES_SINCE);
  const findings: Finding[] = [];
  for (const use of input.imports) {
    const refusing = context.targets.filter((_, slot) => takesStrings[slot] && input.compiled(slot, use.line));
    if (refusing.length === 0 || input.definedByDriver(use.name)) continue;
    findings.push({
      code: symbolNamespaceRule.code,
      severity: context.severities[symbolNamespaceRule.code],
      message: `\`MODULE_IMPORT_NS(${use.name})\` names the namespace bare, but from 6.13 it takes a string (\`MODULE_IMPORT_NS("${use.name}")\`): on ${imagesOf(context, refusing)} \`${use.name}\` is an undeclared name, so the line does not compile there`,
      range: lineRange(use.line, use.startColumn, use.endColumn),
      targets: refusing,
    });
  }
  return findings;
}
