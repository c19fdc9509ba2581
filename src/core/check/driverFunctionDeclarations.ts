// The driver's own declarations and definitions of functions, as conflicting-function judges
// them: linkage, definition or prototype, and how many parameters fix the type. Only names the
// file first declares after its last #include: where the driver's declaration comes first, the
// kernel's is the second one (an extern one after a static one is even allowed), and gcc
// reports any clash in the kernel's header. Only declarations the text shows as such at their
// line too (`textDeclares`, from callSites' scan): where `#if` branches confuse tree-sitter, a
// call in a body can come out of the parse as a declaration at file scope (Debian 6.1's
// rt5514.c, `release_firmware(fw);`), which clashes with nothing.
import type { FileUsages } from '../c/usages';
import type { DriverFunctionDeclaration } from '../rules/conflictingFunction';
import { skipSpaces } from '../c/typeText';

const INCLUDE_LINE = /^\s*#\s*include\b/;

export function driverFunctionDeclarations(
  text: string,
  lines: readonly string[],
  union: Pick<FileUsages, 'functionVersions'>,
  textDeclares: (name: string, line: number) => boolean,
): DriverFunctionDeclaration[] {
  let lastInclude = -1;
  lines.forEach((line, index) => {
    if (INCLUDE_LINE.test(line)) lastInclude = index;
  });
  const found: DriverFunctionDeclaration[] = [];
  for (const [name, versions] of union.functionVersions) {
    if (versions.some(({ range }) => range.startLine <= lastInclude)) continue;
    for (const { range, header, parameterTypes } of versions) {
      if (!textDeclares(name, range.startLine)) continue;
      const written = text.slice(header.startIndex, header.endIndex);
      // `f()` leaves the parameters open (before C23): only `(void)` says none.
      const open = /\(\s*\)\s*$/.test(written) || parameterTypes.some((type) => type.trim() === '...');
      found.push({
        name,
        line: range.startLine,
        column: range.startColumn,
        isStatic: /\bstatic\b/.test(text.slice(header.startIndex, range.startIndex)),
        isDefinition: text.charAt(skipSpaces(text, header.endIndex)) === '{',
        parameters: open ? undefined : parameterTypes.length,
      });
    }
  }
  return found;
}
