// Rule `symbol-namespace`: `MODULE_IMPORT_NS(DMA_BUF)`, a namespace named bare, on a targeted
// kernel from 6.13. Until 6.12 the macro stringified its argument; from 6.13 it takes a string
// literal (`MODULE_IMPORT_NS("DMA_BUF")`) and pastes it into the module's .modinfo string, so
// gcc reads the bare word as a name: "'DMA_BUF' undeclared here (not in a function)".
// (`EXPORT_SYMBOL_NS(sym, NS)` changed the same way, but gcc compiles a bare word there and the
// assembler refuses it, "junk at end of line", naming a line of gcc's temporary file and none
// of the source: it is not judged.) Judged on certainly compiled lines; a word the driver
// defines as a macro (a string of its own) is never judged.
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';
import type { BareNamespace } from '../c/namespaceImports';
import { TextLines, type QuickFix } from '../edits/textEdits';
import { versionGuardEdit, versionIncludeEdit } from '../edits/versionGuard';

export const symbolNamespaceRule = {
  code: 'symbol-namespace',
  name: 'SymbolNamespace',
  severity: 'warning',
  description: 'MODULE_IMPORT_NS with a bare namespace word where targeted kernels from 6.13 take a string literal: the word is an undeclared name there.',
} as const satisfies RuleInfo;

/** The first kernel whose MODULE_IMPORT_NS takes a string literal. */
const STRING_NAMESPACES = { major: 6, minor: 13 };
const STRING_NAMESPACES_SINCE = (STRING_NAMESPACES.major << 16) | (STRING_NAMESPACES.minor << 8);

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

/**
 * The fixes of a bare namespace at `range`: a version guard that passes the string from 6.13
 * and the word before (a string there would be stringified again, and modpost would find the
 * namespace not imported), and the string alone, for drivers that build on 6.13 and later only.
 */
export function symbolNamespaceFixes(text: string, range: Finding['range']): QuickFix[] {
  const lines = new TextLines(text);
  const content = lines.content(range.startLine);
  const word = content.slice(range.startColumn, range.endColumn);
  const call = new RegExp(`MODULE_IMPORT_NS\\s*\\(\\s*${word}\\s*\\)\\s*;?`).exec(content);
  if (!call) return [];
  const start = lines.offset(range.startLine, call.index);
  const end = start + call[0].length;
  const quoted = call[0].replace(word, `"${word}"`);
  const versionInclude = versionIncludeEdit(lines);
  const guard = versionGuardEdit(lines, start, end, { newer: () => quoted, older: () => call[0] }, STRING_NAMESPACES);
  return [
    { title: `Guard by kernel version: \`"${word}"\` from 6.13, the bare word before`, kind: 'guard', preferred: true, edits: [...(versionInclude ? [versionInclude] : []), guard] },
    { title: `Pass the namespace as a string (builds on 6.13 and later only)`, kind: 'rename', preferred: false, edits: [{ range, newText: `"${word}"` }] },
  ];
}
