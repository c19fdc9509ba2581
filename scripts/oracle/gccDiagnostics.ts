// Reads gcc's diagnostics out of a Kbuild log and sorts its errors into the one class the
// checker claims to foresee (a struct member that is missing, typed differently, const, or a
// pointer where it was embedded) and the kinds it does not (missing headers, removed
// functions, ...). Pure: text in, records out, so it is tested on real gcc lines.
import { isAbsolute, join, normalize, relative } from 'node:path';

export type Severity = 'error' | 'fatal error' | 'warning' | 'note';

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface GccNote extends Location {
  message: string;
}

export interface GccDiagnostic extends Location {
  severity: Severity;
  message: string;
  /** The source line gcc quotes under the diagnostic (`  515 |   text`), when it quotes one. */
  excerpt?: string;
  /** The notes that follow it: macro expansions, `(near initialization for ‘x.m’)`. */
  notes: GccNote[];
}

const DIAGNOSTIC = /^(\S[^:]*):(\d+):(\d+): (fatal error|error|warning|note): (.*)$/;
const EXCERPT = /^\s*(\d+) \| (.*)$/;

/**
 * gcc's message as it reads in a UTF-8 locale, where the classes below are written: in the C
 * locale (a driver's Makefile may run gcc under `env -`) gcc quotes with ASCII: `'x'` for
 * `‘x’`, `isn't` for `isn’t`.
 */
function inUtf8Quotes(message: string): string {
  return message.replace(/(\w)'(\w)/g, '$1’$2').replace(/'([^']*)'/g, '‘$1’');
}

/** Every diagnostic of a log, with its notes and quoted source line, in log order. */
export function parseDiagnostics(log: string): GccDiagnostic[] {
  const diagnostics: GccDiagnostic[] = [];
  let current: GccDiagnostic | undefined;
  let lastLocated: { line: number; excerpt?: string } | undefined;
  for (const text of log.split('\n')) {
    const match = DIAGNOSTIC.exec(text);
    if (match) {
      const [, file, line, column, severity, written] = match;
      const message = inUtf8Quotes(written);
      const location = { file: normalize(file), line: Number(line), column: Number(column) };
      if (severity === 'note') {
        // A note belongs to the error or warning before it; notes before any are gcc's own chatter.
        if (current) current.notes.push({ ...location, message });
        lastLocated = undefined;
      } else {
        current = { ...location, severity: severity as Severity, message, notes: [] };
        diagnostics.push(current);
        lastLocated = current;
      }
      continue;
    }
    const excerpt = EXCERPT.exec(text);
    // Only the first quoted line right after the diagnostic is its own line of source.
    if (excerpt && lastLocated && Number(excerpt[1]) === lastLocated.line && lastLocated.excerpt === undefined) {
      lastLocated.excerpt = excerpt[2];
    }
  }
  return diagnostics;
}

export function isError(d: GccDiagnostic): boolean {
  return d.severity === 'error' || d.severity === 'fatal error';
}

/** What an error is about. `struct` is the checker's scope; the rest are counted by kind. */
export type ErrorKind =
  | 'struct-member'
  | 'missing-header'
  | 'implicit-declaration'
  /** `‘no_llseek’ undeclared`: a name with lower-case letters, by kernel convention a function's, named as a value. */
  | 'undeclared-function'
  | 'argument-count'
  | 'argument-type'
  | 'unknown-type'
  /** `‘for’ loop initial declarations are only allowed in C99 or C11 mode`: a `for (int i …)` under -std=gnu89. */
  | 'loop-declaration'
  | 'undeclared'
  | 'incomplete-type'
  | 'incompatible-type'
  /** `conflicting types for ‘f’`, `redefinition of ‘f’`, `static declaration of ‘f’ follows non-static declaration`. */
  | 'conflicting-declaration'
  | 'other';

export const OTHER_KINDS: ErrorKind[] = ['missing-header', 'implicit-declaration', 'undeclared-function', 'argument-count', 'argument-type', 'unknown-type', 'loop-declaration', 'undeclared', 'incomplete-type', 'incompatible-type', 'conflicting-declaration', 'other'];

/**
 * Messages that are about a member of a struct (or union) whatever the code around them.
 * gcc 12 says "has no member named" for a designator too.
 */
const MEMBER_MESSAGES: RegExp[] = [
  /has no member named/,
  /assignment of read-only member/,
  /invalid type argument of ‘->’/,
  /is a pointer; did you mean to use ‘->’\?/,
  /request for member ‘[^’]*’ in something not a structure or union/,
];

const INCOMPATIBLE_POINTER = /^(initialization|assignment) (of|to) .* from incompatible pointer type/;
/** `(near initialization for ‘ops.open’)` names the member an initializer value went to. */
const NEAR_MEMBER_INITIALIZATION = /^\(near initialization for ‘[^’]*(\.|->)[A-Za-z_]\w*’\)$/;
/** `p->fn = f;` or `s.ops[i].fn = f;`: the left side of the assignment ends with a member. */
const MEMBER_ASSIGNMENT = /(->|\.)\s*[A-Za-z_]\w*\s*(\[[^\]]*\]\s*)*=(?!=)/;

/**
 * The kind of an error. An incompatible pointer type is a struct-member error only where the
 * value goes into a member: an initializer gcc says was "near initialization for ‘x.m’", or
 * an assignment whose quoted line assigns to `->m`/`.m`. Elsewhere (a local, an argument) it
 * is an ordinary type error, outside the checker's scope.
 */
export function classifyError(d: GccDiagnostic): ErrorKind {
  const m = d.message;
  if (MEMBER_MESSAGES.some((re) => re.test(m))) return 'struct-member';
  if (INCOMPATIBLE_POINTER.test(m)) {
    const intoMember = m.startsWith('initialization')
      ? d.notes.some((n) => NEAR_MEMBER_INITIALIZATION.test(n.message))
      : d.excerpt !== undefined && MEMBER_ASSIGNMENT.test(d.excerpt);
    return intoMember ? 'struct-member' : 'incompatible-type';
  }
  if (/^passing argument \d+ of ‘[^’]+’ from incompatible pointer type/.test(m)) return 'argument-type';
  if (/No such file or directory/.test(m) && d.severity === 'fatal error') return 'missing-header';
  if (/implicit declaration of function/.test(m)) return 'implicit-declaration';
  if (/too (few|many) arguments to function/.test(m) || /^macro "[^"]+" (requires \d+ arguments?, but only \d+ given|passed \d+ arguments?, but takes just \d+)/.test(m)) return 'argument-count';
  if (/unknown type name/.test(m)) return 'unknown-type';
  if (/^‘for’ loop initial declarations are only allowed in C99/.test(m)) return 'loop-declaration';
  if (/^‘[A-Za-z_]*[a-z][A-Za-z0-9_]*’ undeclared/.test(m)) return 'undeclared-function';
  if (/undeclared/.test(m)) return 'undeclared';
  if (/invalid use of undefined type|has incomplete type|storage size of .* isn’t known|dereferencing pointer to incomplete type|invalid application of ‘sizeof’ to incomplete type/.test(m)) return 'incomplete-type';
  if (/incompatible (pointer )?type/.test(m)) return 'incompatible-type';
  if (/^(conflicting types for|redefinition of) ‘[^’]+’|^static declaration of ‘[^’]+’ follows non-static declaration/.test(m)) return 'conflicting-declaration';
  return 'other';
}

export interface DriverLine {
  /** Relative to the driver's root, as the checker names files. */
  file: string;
  line: number;
}

export interface LocatedError {
  kind: ErrorKind;
  message: string;
  column: number;
  /** Where the error is in the driver: its own place, else the innermost driver macro use that led to it. */
  at?: DriverLine;
  /** The driver lines whose macro uses expanded to the error (outer ones), besides `at`. */
  via: DriverLine[];
  /** The error's own place, as gcc printed it (a kernel header, for errors inside kernel macros). */
  origin: Location;
}

const MACRO_NOTE = /^in (expansion|definition) of macro ‘[^’]*’$/;

/**
 * The path of `file` inside `root`, or undefined when it is outside (a kernel header). gcc
 * names a file relative to where it ran: from 6.13 Kbuild compiles an external module in its
 * build folder (`build`, the driver's folder or one inside it), and names the sources from there.
 */
export function driverPath(root: string, file: string, build = root): string | undefined {
  const rel = relative(root, isAbsolute(file) ? normalize(file) : join(build, file));
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
}

/**
 * Places an error in the driver. gcc prints an error inside a kernel macro (`list_entry`
 * with a member that left) at the kernel header, then one note per macro expansion out to
 * the driver's own line; that line is where a developer, and the checker, see the usage.
 */
export function locateError(d: GccDiagnostic, root: string, build = root): LocatedError {
  const own = driverPath(root, d.file, build);
  const sites: DriverLine[] = [];
  for (const note of d.notes) {
    if (!MACRO_NOTE.test(note.message)) continue;
    const file = driverPath(root, note.file, build);
    if (file !== undefined) sites.push({ file, line: note.line });
  }
  const at = own !== undefined ? { file: own, line: d.line } : sites.shift();
  const via = sites.filter((s) => !at || s.file !== at.file || s.line !== at.line);
  return { kind: classifyError(d), message: d.message, column: d.column, at, via, origin: { file: d.file, line: d.line, column: d.column } };
}

/**
 * The errors of a driver's build, each once: a header's error is printed again for every
 * object that includes it. The same error inside a kernel macro reached from two driver
 * lines is two errors, so the key includes the notes' places.
 */
export function driverErrors(log: string, root: string, build = root): LocatedError[] {
  const seen = new Set<string>();
  const errors: LocatedError[] = [];
  for (const d of parseDiagnostics(log)) {
    if (!isError(d)) continue;
    const key = [d.file, d.line, d.column, d.message, ...d.notes.map((n) => `${n.file}:${n.line}:${n.column}`)].join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(locateError(d, root, build));
  }
  return errors;
}
