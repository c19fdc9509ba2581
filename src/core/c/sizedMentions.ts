// Which mentions of a struct need its definition, read from the code line around the name:
// `sizeof(struct x)`, and a variable, array or member of the struct itself (`struct x name;`,
// `static struct x name = {`, `struct x table[4];`). gcc refuses those where the struct is
// only declared ("storage size isn't known", "invalid application of sizeof to incomplete
// type", "field has incomplete type"). A pointer, an `extern` declaration, a typedef, a
// parameter or a return type does not need it, and neither does anything this line-local
// reading cannot place (a declaration spread over lines): those are left out.

const SIZEOF_BEFORE = /\bsizeof\s*\(\s*(?:(?:const|volatile)\s+)*(?:struct|union)\s+$/;
const CLOSE_AFTER = /^\s*\)/;
/** The line up to the name holds only storage words before `struct`: a declaration starts there. */
const DECLARATION_BEFORE = /^\s*(?:(?:static|const|volatile|register)\s+)*(?:struct|union)\s+$/;
/**
 * A declarator of the struct itself: a name, kernel attributes (`__initdata`), then `=`, `;`, an
 * array bound, or further declarators that end the statement on the line (`struct timespec
 * ts_start, ts_end;`; a parameter list's `struct timespec ts,` is not one).
 */
const OBJECT_AFTER = /^\s+[A-Za-z_]\w*(?:\s+__\w+)*\s*(?:=|;|\[|,[^();]*;)/;

/** Whether the mention at [startColumn, endColumn) of a code line (comments and strings blanked) needs the struct's definition. */
export function needsDefinition(line: string, startColumn: number, endColumn: number): boolean {
  const before = line.slice(0, startColumn);
  const after = line.slice(endColumn);
  if (SIZEOF_BEFORE.test(before)) return CLOSE_AFTER.test(after);
  return DECLARATION_BEFORE.test(before) && OBJECT_AFTER.test(after);
}
