// Functions kernel headers make by token pasting, which no prototype names: page-flags.h's
// TESTPAGEFLAG defines `Page##uname`, and `__PAGEFLAG(Slab, slab, PF_NO_TAIL)` (through
// TESTPAGEFLAG) makes `PageSlab`. Without them, a kernel where such a name is made this way
// looks as if it lacked the function that another kernel declares outright (PageSlab is a
// plain inline function in 6.12), and every call of it would be a false missing-function.
//
// Read, not expanded: a macro's pasted names become templates (literal pieces and parameter
// positions), macros passing their parameters to another macro inherit its templates, and a
// call of a macro with templates at the start of a header line (where such generators are
// invoked) fills them with its arguments.
import type { MacroBody } from './droppingMacros';

/** A pasted name: literal pieces and, as numbers, the positions of the parameters pasted in. */
type Template = readonly (string | number)[];

/** A macro invoked at the start of a line of a header, with its arguments as written. */
export interface LineStartCall {
  name: string;
  arguments: string[];
}

/** Rounds of inheritance through nested generator macros (page-flags.h needs two). */
const MAX_NESTING = 6;
const MAX_TEMPLATES_PER_MACRO = 64;

const PASTED = /[A-Za-z_]\w*(?:\s*##\s*[A-Za-z_]\w*)+(?=\s*\()/g;
const CALL_IN_BODY = /\b([A-Za-z_]\w*)\s*\(([^()]*)\)/g;
/** A line's run of calls from its start: `PAGEFLAG(Dirty, dirty, PF_HEAD) TESTSCFLAG(Dirty, dirty, PF_HEAD)`. */
const LINE_START_CALLS = /^[ \t]*(?:[A-Za-z_]\w*\([^()\n]*\)[ \t;]*)+/gm;
const ONE_CALL = /([A-Za-z_]\w*)\(([^()\n]*)\)/g;

/** The macro calls that start a line of a header's text (comments blanked), and those right after them, outside `#define`s. */
export function lineStartCalls(uncommented: string): LineStartCall[] {
  if (!uncommented.includes('(')) return [];
  const calls: LineStartCall[] = [];
  // Continuations joined: a generator's body line (`\tTESTPAGEFLAG(uname, …) \`) is its #define's.
  const joined = uncommented.replace(/\\\r?\n/g, ' ');
  for (const [run] of joined.matchAll(LINE_START_CALLS)) {
    for (const [, name, list] of run.matchAll(ONE_CALL)) calls.push({ name, arguments: list.split(',').map((argument) => argument.trim()) });
  }
  return calls;
}

/** The generator macros of a kernel's headers, and the names their calls make. */
export class PastedNames {
  private readonly templates: Map<string, Template[]>;

  constructor(definitions: readonly MacroBody[]) {
    this.templates = generatorTemplates(definitions);
  }

  /** The function names a call makes by pasting its arguments; [] for a macro that pastes none. */
  of(call: LineStartCall): string[] {
    const names: string[] = [];
    for (const template of this.templates.get(call.name) ?? []) {
      const name = filled(template, call.arguments);
      if (name !== undefined && !names.includes(name)) names.push(name);
    }
    return names;
  }
}

/** Per macro name, the templates of the names its expansion defines or calls by pasting. */
function generatorTemplates(definitions: readonly MacroBody[]): Map<string, Template[]> {
  const templates = new Map<string, Map<string, Template>>();
  const add = (macro: string, template: Template) => {
    let byKey = templates.get(macro);
    if (!byKey) templates.set(macro, (byKey = new Map()));
    if (byKey.size < MAX_TEMPLATES_PER_MACRO) byKey.set(JSON.stringify(template), template);
  };
  for (const definition of definitions) {
    for (const [pasted] of definition.body.matchAll(PASTED)) {
      const template = pasted.split('##').map((piece) => {
        const word = piece.trim();
        const position = definition.parameters.indexOf(word);
        return position >= 0 ? position : word;
      });
      if (template.some((piece) => typeof piece === 'number') && template.some((piece) => typeof piece === 'string' && /[A-Za-z]/.test(piece))) add(definition.name, template);
    }
  }
  // `#define __PAGEFLAG(uname, lname, policy) TESTPAGEFLAG(uname, lname, policy) …`: the outer
  // macro makes what the inner one makes from the parameters it passes on.
  for (let round = 0; round < MAX_NESTING; round++) {
    const before = [...templates.values()].reduce((sum, byKey) => sum + byKey.size, 0);
    for (const definition of definitions) {
      for (const [, inner, list] of definition.body.matchAll(CALL_IN_BODY)) {
        const innerTemplates = templates.get(inner);
        if (!innerTemplates || inner === definition.name) continue;
        const passed = list.split(',').map((argument) => argument.trim());
        for (const template of [...innerTemplates.values()]) {
          const outer = passedOn(template, passed, definition.parameters);
          if (outer) add(definition.name, outer);
        }
      }
    }
    if ([...templates.values()].reduce((sum, byKey) => sum + byKey.size, 0) === before) break;
  }
  return new Map([...templates].map(([name, byKey]) => [name, [...byKey.values()]]));
}

/** An inner template in the outer macro's terms: each position it pastes must receive an outer parameter or a plain word. */
function passedOn(template: Template, passed: readonly string[], outerParameters: readonly string[]): Template | undefined {
  const outer: (string | number)[] = [];
  for (const piece of template) {
    if (typeof piece === 'string') {
      outer.push(piece);
      continue;
    }
    const argument = passed[piece];
    if (argument === undefined || !/^[A-Za-z_]\w*$/.test(argument)) return undefined;
    const position = outerParameters.indexOf(argument);
    outer.push(position >= 0 ? position : argument);
  }
  return outer.some((piece) => typeof piece === 'number') ? outer : undefined;
}

/** The name a template makes from a call's arguments, when each pasted argument is a plain word. */
function filled(template: Template, args: readonly string[]): string | undefined {
  let name = '';
  for (const piece of template) {
    if (typeof piece === 'string') {
      name += piece;
      continue;
    }
    const argument = args[piece];
    if (argument === undefined || !/^\w*$/.test(argument)) return undefined;
    name += argument;
  }
  return /^[A-Za-z_]\w*$/.test(name) ? name : undefined;
}
