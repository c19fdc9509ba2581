// Rule `call-arguments`: a call passes a number of arguments that a targeted kernel's
// function or function-like macro of that name does not take (`class_create(THIS_MODULE,
// name)` from 6.4, where it takes the name only), or an argument whose struct pointer type the
// function no longer takes (`struct user_namespace *` where 6.3+ wants `struct mnt_idmap *`).
// gcc stops there ("too many arguments to function", "macro … requires 2 arguments, but only
// 1 given", "passing argument 1 of … from incompatible pointer type"). Judged for the kernel
// functions and macros of the kernels with header data (the Debian ones): those whose
// declarations differ between them, and those declared alike on all of them, where a call in an
// older kernel's shape (`proc_create` with a `struct file_operations *`, 5.6) fails on every one.
// Only on certainly compiled lines, never for a name the driver defines itself or one some
// kernel redirects with an object-like macro.
import { lineRange, type Finding } from '../check/findings';
import { structPointerOf, structPointerText, type ArgumentTypes, type ReturnTypes, type StructPointer } from '../c/argumentTypes';
import { callsOnTargets, type ArgumentLine, type ArgumentSpan, type CallOnTargets, type CallSite, type CallWithArguments } from '../c/calls';
import { positionAt } from '../c/lineIndex';
import { enclosingStatement } from '../c/statements';
import { isIdentifierCode } from '../c/typeText';
import type { CallShape } from '../kernels/headerIndex';
import type { FunctionSignature } from '../c/usages';
import type { KernelDatabase } from '../kernels/database';
import { TextLines, type QuickFix } from '../edits/textEdits';
import { balancedDirectives, versionGuardEdit, versionIncludeEdit, type KernelVersion } from '../edits/versionGuard';
import { imagesOf, type RuleContext, type RuleInfo } from './rule';

export const callArgumentsRule = {
  code: 'call-arguments',
  name: 'CallArguments',
  severity: 'warning',
  description: "A call passes a number of arguments that some targeted kernels' function or macro of that name does not take, or uses the value of a function that returns void there: the build stops there.",
} as const satisfies RuleInfo;

export interface CallArgumentsInput {
  /** The file's text, for the arguments' words, and the same with comments and strings blanked. */
  text: string;
  masked: string;
  /** The types the file states plainly, read from that text (one reading per check, shared with the other rules that ask). */
  argumentTypes: ArgumentTypes;
  sites: readonly CallSite[];
  lineStartIndices: readonly number[];
  isDirectiveLine: (line: number) => boolean;
  /** Whether the line is certainly compiled for the target in `slot` (and its build is not stopped). */
  compiled: (slot: number, line: number) => boolean;
  /** How the target in `slot` reads a line inside an argument list that crosses `#if` lines; without it such calls are not judged. */
  lineOnTarget?: (slot: number, line: number) => ArgumentLine;
  /** Whether the call sits in an argument a macro leaves out on the target in `slot` (a `TRACE_EVENT` that drops its body): not compiled there. */
  leftOut?: (slot: number, site: CallSite) => boolean;
  /** Whether the driver defines or declares the name (the file, its macros, its other files). */
  definedByDriver: (name: string) => boolean;
  /** Whether some target may see the name as a macro (`#define proc_ops file_operations`). */
  isMacro: (name: string) => boolean;
  /** Whether an argument's text is a macro of the driver's that may stand for several arguments (`#define RANGE 3000, 3300`). */
  mayStandForSeveral?: (argument: string) => boolean;
  /**
   * The type of a struct's member on the image, for `ptr->member` arguments: the kernel's
   * struct's (`struct socket *` for `struct sock`'s `sk_socket`) or the driver's own in its
   * headers; undefined for a struct this file defines (read here from its text), or where the
   * data does not have it.
   */
  memberType?: (tag: string, member: string, image: number) => string | undefined;
  /** The struct pointer a function of the driver's returns (`static inline struct apfs_nxsb_info *APFS_NXI(…)` in its header), for arguments that call it. */
  returnType?: ReturnTypes;
  /** The file's own function as the target in `slot` certainly compiles its header (see certainFileFunction); undefined for other names. */
  fileFunction?: (name: string, slot: number) => FunctionSignature | undefined;
}

/** What a `call-arguments` finding carries for its fix. */
export interface CallArgumentFacts {
  name: string;
  /** Offsets of the call's name and of its argument list's end. */
  start: number;
  end: number;
  /** The call as the failing kernels take it, where one argument can be dropped for them. */
  rewritten?: string;
  /** The first failing kernel by version: the guard's boundary. */
  boundary: KernelVersion;
  /** Whether the failing kernels are the newer ones (the usual case: an API lost a parameter). */
  failingAreNewer: boolean;
}

export function callArgumentsFindings(context: RuleContext, input: CallArgumentsInput): Finding[] {
  const headers = context.db.headers();
  if (!context.targets.some((image) => headers.covers(image))) return [];
  const findings: Finding[] = [];
  const candidates = input.sites.filter((site) => headers.isJudgedCall(site.name) && !input.definedByDriver(site.name));
  const { argumentTypes } = input;
  // Parameter types by their text: the same prototype is read for every target and every call.
  const parameterTypes = new Map<string, StructPointer | undefined>();
  const parameterType = (parameter: string) => {
    if (!parameterTypes.has(parameter)) parameterTypes.set(parameter, structPointerOf(parameter));
    return parameterTypes.get(parameter);
  };
  // Per name, each target's shapes: a file calls the same functions many times.
  const shapesByName = new Map<string, (CallShape[] | undefined)[]>();
  const shapesOf = (name: string) => {
    let shapes = shapesByName.get(name);
    if (!shapes) shapesByName.set(name, (shapes = context.targets.map((image) => headers.callShapes(name, image))));
    return shapes;
  };
  // A list that crosses `#if` lines is judged per group of targets that read it alike, without a fix: rewriting the call would drop its directives.
  for (const call of callsOnTargets(input.masked, candidates, input.lineStartIndices, input.isDirectiveLine, context.targets.length, input.lineOnTarget)) {
    const { site } = call;
    const onThoseTargets = onSlots(input, call);
    const verdicts = judgeCall(context, onThoseTargets, call, shapesOf(site.name));
    if (verdicts.failing.length > 0) {
      findings.push({
        code: callArgumentsRule.code,
        severity: context.severities[callArgumentsRule.code],
        message: messageOf(context, site.name, call.arguments.spans.length, verdicts.failing),
        range: lineRange(site.line, site.startColumn, site.endColumn),
        targets: verdicts.failing.map((f) => f.image),
        ...(call.acrossDirectives ? {} : { call: factsOf(context.db, input.text, call, verdicts) }),
      });
    }
    findings.push(...argumentTypeFindings(context, onThoseTargets, call, verdicts.fitting, argumentTypes, parameterType));
  }
  if (input.fileFunction) {
    const own = input.sites.filter((site) => !site.reference && input.definedByDriver(site.name) && context.targets.some((_, slot) => input.fileFunction!(site.name, slot) !== undefined));
    const calls = callsOnTargets(input.masked, own, input.lineStartIndices, input.isDirectiveLine, context.targets.length, input.lineOnTarget);
    findings.push(...ownFunctionArgumentFindings(context, input, calls, argumentTypes));
  }
  return [...findings, ...voidResultFindings(context, input)];
}

/** The input with only the call's targets compiling it: those that read its argument list so. */
function onSlots(input: CallArgumentsInput, call: CallOnTargets): CallArgumentsInput {
  if (!call.acrossDirectives) return input;
  const slots = new Set(call.slots);
  return { ...input, compiled: (slot, line) => slots.has(slot) && input.compiled(slot, line) };
}

/**
 * A call whose value the code uses (`ret = pwmchip_remove(chip);`) where the targeted
 * kernel's function returns void (pwmchip_remove from 6.1): gcc stops there ("void value not
 * ignored as it ought to be", "void value not ignored … in if"). Judged for every kernel
 * function the driver does not define, where the target has one prototype of it and no macro
 * of the name, and only where the value is plainly used (see valueUsed).
 */
function voidResultFindings(context: RuleContext, input: CallArgumentsInput): Finding[] {
  const headers = context.db.headers();
  const findings: Finding[] = [];
  // Per name, the prototype of each target slot whose kernel's function returns void.
  const voidPrototypes = new Map<string, (string | undefined)[]>();
  const voidOn = (name: string) => {
    let prototypes = voidPrototypes.get(name);
    if (!prototypes) {
      prototypes = context.targets.map((image) => {
        const declared = headers.functions(name, image);
        if (declared?.length !== 1 || (headers.macros(name, image) ?? []).length > 0) return undefined;
        return returnsVoid(declared[0].prototype, name) ? declared[0].prototype : undefined;
      });
      voidPrototypes.set(name, prototypes);
    }
    return prototypes;
  };
  for (const site of input.sites) {
    // The cheap questions first: reading the text around a call is for names some target declares void.
    if (site.reference || input.definedByDriver(site.name) || !headers.isFunction(site.name) || voidOn(site.name).every((prototype) => prototype === undefined) || !valueUsed(input, site)) continue;
    const failing: { image: number; prototype: string }[] = [];
    voidOn(site.name).forEach((prototype, slot) => {
      if (prototype !== undefined && input.compiled(slot, site.line) && !input.leftOut?.(slot, site)) failing.push({ image: context.targets[slot], prototype });
    });
    if (failing.length === 0) continue;
    const images = failing.map((f) => f.image);
    const prototypes = [...new Set(failing.map((f) => `\`${f.prototype}\``))].join(', ');
    findings.push({
      code: callArgumentsRule.code,
      severity: context.severities[callArgumentsRule.code],
      message: `\`${site.name}\` returns void on ${imagesOf(context, images)} (${prototypes}); the call's value is used, so it does not compile there`,
      range: lineRange(site.line, site.startColumn, site.endColumn),
      targets: images,
    });
  }
  return findings;
}

/**
 * Whether the call's value is plainly used: assigned (`x = f(…)`, `x |= f(…)`, `int x =
 * f(…)`: an `=` before it that is no comparison), negated (`!f(…)`), the whole condition of
 * an `if`, `while` or `switch`, or an operand of an operator after it (`f(…) == 0`,
 * `f(…) < 0`, `f(…) ? a : b`). Not a `,`, `:` or `?` before it: `c ? f(…) : g(…)` of two void
 * calls is a statement gcc takes.
 */
function valueUsed(input: CallArgumentsInput, site: CallSite): boolean {
  const { masked } = input;
  const before = (at: number) => {
    while (at >= 0 && /\s/.test(masked[at])) at--;
    return at;
  };
  const start = input.lineStartIndices[site.line] + site.startColumn;
  if (OPERATOR_AFTER.test(masked.slice(...spanAfterCall(masked, start)))) return true;
  const at = before(start - 1);
  if (masked[at] === '=') return !'=!<>'.includes(masked[at - 1] ?? '');
  if (masked[at] === '!') return true;
  if (masked[at] !== '(') return false;
  return CONDITION_KEYWORDS.has(wordEndingAt(masked, before(at - 1) + 1)) && closesCondition(masked, start);
}

/** What follows a call's value when it is an operand: a comparison, arithmetic, a member or element of it, a test. */
const OPERATOR_AFTER = /^\s*(?:[=!<>]=|&&|\|\||<<|>>|->|[<>+\-*/%|^&?.[])/;

/** The few characters after the call's closing parenthesis (none when it does not close). */
function spanAfterCall(masked: string, start: number): [number, number] {
  const open = masked.indexOf('(', start);
  if (open < 0) return [0, 0];
  let depth = 0;
  const limit = Math.min(masked.length, open + 20_000);
  for (let i = open; i < limit; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) return [i + 1, Math.min(masked.length, i + 40)];
  }
  return [0, 0];
}

const CONDITION_KEYWORDS = new Set(['if', 'while', 'switch']);

/** The identifier that ends just before `end` ('' when none does), read backwards: a regex anchored at the end would scan the text from its start for every call. */
function wordEndingAt(text: string, end: number): string {
  let start = end;
  while (start > 0 && isIdentifierCode(text.charCodeAt(start - 1))) start--;
  return text.slice(start, end);
}

/** Whether the call starting at `start` ends right where the condition's `(` closes: `if (f(x))`, not `if (f(x) < 0)`. */
function closesCondition(masked: string, start: number): boolean {
  const open = masked.indexOf('(', start);
  if (open < 0) return false;
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) {
      let next = i + 1;
      while (next < masked.length && /\s/.test(masked[next])) next++;
      return masked[next] === ')';
    }
  }
  return false;
}

/** `void pwmchip_remove(struct pwm_chip *)`: the words before the name are `void` alone (no pointer). */
function returnsVoid(prototype: string, name: string): boolean {
  const at = prototype.search(new RegExp(`\\b${name}\\s*\\(`));
  return at > 0 && /^(?:(?:static|inline|extern|__always_inline|const)\s+)*void\s*$/.test(prototype.slice(0, at).trim() + ' ');
}

/**
 * Where the count fits: an argument whose struct pointer type differs from the parameter's on
 * a target (`struct user_namespace *` where 6.3+ wants `struct mnt_idmap *`, `struct file *`
 * where 6.7+ wants `struct file **`). The kernel
 * builds with -Werror=incompatible-pointer-types, so gcc stops there. Only arguments whose
 * type the text states plainly are judged, and never a tag some target defines as a macro.
 */
function argumentTypeFindings(
  context: RuleContext,
  input: CallArgumentsInput,
  call: CallWithArguments,
  fitting: readonly ImageVerdict[],
  types: ArgumentTypes,
  parameterType: (parameter: string) => StructPointer | undefined,
): Finding[] {
  const mismatches = new Map<string, { index: number; passed: StructPointer; expected: string; prototype: string; images: number[] }>();
  const passedType = passedTypes(input, call, types);
  for (const { image, shapes } of fitting) {
    // One prototype on that kernel, read with its types: several would leave the choice open.
    if (shapes.length !== 1 || shapes[0].macro || !shapes[0].types || !shapes[0].prototype) continue;
    const { types: parameters, prototype } = shapes[0];
    parameters.forEach((parameter, index) => {
      const expected = parameterType(parameter);
      const passed = expected && index < call.arguments.spans.length ? passedType(index, image) : undefined;
      if (!expected || !passed || !misfits(context, input, passed, expected, image)) return;
      const key = `${index}\u0000${parameter}\u0000${structPointerText(passed)}`;
      const entry = mismatches.get(key) ?? { index, passed, expected: parameter, prototype, images: [] };
      entry.images.push(image);
      mismatches.set(key, entry);
    });
  }
  return [...mismatches.values()].map(({ index, passed, expected, prototype, images }) => {
    const span = call.arguments.spans[index];
    return {
      code: callArgumentsRule.code,
      severity: context.severities[callArgumentsRule.code],
      message:
        `\`${call.site.name}\` takes \`${expected}\` as argument ${index + 1} on ${imagesOf(context, images)} (\`${prototype}\`); ` +
        `the call passes \`${input.text.slice(span.start, span.end)}\`, a \`${structPointerText(passed)}\`, so it does not compile there`,
      range: spanRange(input, span),
      targets: images,
    };
  });
}

/**
 * Whether a `passed` pointer does not fit a parameter of type `expected` on the image: another
 * struct, or as many pointers no more (`struct file *` where 6.7's get_file_rcu takes `struct
 * file **`). Never for a tag the driver #defines; a tag the kernel's headers #define as another
 * (`#define spi_master spi_controller`) is that other struct there.
 */
function misfits(context: RuleContext, input: CallArgumentsInput, passed: StructPointer, expected: StructPointer, image: number): boolean {
  if (input.isMacro(passed.tag) || input.isMacro(expected.tag)) return false;
  const structOf = (tag: string) => context.db.renamedTo(tag, image) ?? tag;
  return passed.depth !== expected.depth || structOf(passed.tag) !== structOf(expected.tag);
}

/** Where an argument stands, for its finding. */
function spanRange(input: CallArgumentsInput, span: ArgumentSpan): Finding['range'] {
  const start = positionAt(input.lineStartIndices, span.start);
  const end = positionAt(input.lineStartIndices, span.end);
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, startIndex: span.start, endIndex: span.end };
}

/**
 * The struct pointer type each argument of the call passes on an image, where its text states
 * it plainly (ArgumentTypes): a name, `&name`, a cast, a call of the driver's accessor, or
 * `ptr->member` and `&ptr->member` by the member's type on that image. Each argument's text is
 * read once for all images.
 */
function passedTypes(input: CallArgumentsInput, call: CallWithArguments, types: ArgumentTypes): (index: number, image: number) => StructPointer | undefined {
  const stated = new Map<number, { type?: StructPointer; access?: { tag: string; member: string }; addressOf?: boolean }>();
  return (index, image) => {
    let argument = stated.get(index);
    if (!argument) {
      const span = call.arguments.spans[index];
      if (span.spliced) return undefined;
      const text = input.text.slice(span.start, span.end);
      const type = types.typeOf(text, span.start, input.returnType);
      const addressOf = !type && text.startsWith('&');
      const access = type ? undefined : types.memberAccessOf(addressOf ? text.slice(1).trim() : text, span.start, input.returnType);
      stated.set(index, (argument = { ...(type ? { type } : {}), ...(access && !input.isMacro(access.tag) ? { access, addressOf } : {}) }));
    }
    if (argument.type || !argument.access) return argument.type;
    const { tag, member } = argument.access;
    const memberType = input.memberType?.(tag, member, image);
    if (argument.addressOf) {
      // `&ptr->member` of a struct member held by value: a pointer to that struct.
      const held = memberType === undefined ? undefined : structValueOf(memberType);
      return held && { ...held, depth: 1 };
    }
    return memberType === undefined ? types.fileStructMember(tag, member) : structPointerOf(memberType);
  };
}

/** `struct timespec64` (a struct held by value, no pointer): its tag; undefined for anything else. */
function structValueOf(type: string): StructPointer | undefined {
  const match = /^(const\s+)?struct\s+([A-Za-z_]\w*)$/.exec(type.replace(/\s+/g, ' ').trim());
  return match ? { tag: match[2], constant: match[1] !== undefined, depth: 0 } : undefined;
}

/**
 * Calls of the file's own functions whose struct pointer parameter an argument's type does not
 * fit on a target: exfat's `exfat_time_fat2unix(sbi, &inode->i_mtime, …)`, whose parameter is a
 * `struct timespec *` while `i_mtime` is a `struct timespec64` from 4.18. gcc stops there
 * ("passing argument 2 of … from incompatible pointer type", an error in every kernel's build).
 * Judged where the target certainly compiles the function's header (fileFunction), by the
 * parameter's struct and pointer count, a tag either side #defines excepted.
 */
function ownFunctionArgumentFindings(context: RuleContext, input: CallArgumentsInput, calls: readonly CallOnTargets[], types: ArgumentTypes): Finding[] {
  const findings: Finding[] = [];
  for (const call of calls) {
    const passedType = passedTypes(input, call, types);
    const onThoseTargets = onSlots(input, call);
    const mismatches = new Map<string, { index: number; passed: StructPointer; expected: string; images: number[] }>();
    context.targets.forEach((image, slot) => {
      if (!onThoseTargets.compiled(slot, call.site.line) || input.leftOut?.(slot, call.site)) return;
      const signature = input.fileFunction?.(call.site.name, slot);
      if (!signature || signature.parameterTypes.length !== call.arguments.spans.length) return;
      signature.parameterTypes.forEach((parameter, index) => {
        const expected = structPointerOf(parameter);
        const passed = expected ? passedType(index, image) : undefined;
        if (!expected || !passed || !misfits(context, input, passed, expected, image)) return;
        const key = `${index}\u0000${structPointerText(passed)}`;
        const entry = mismatches.get(key) ?? { index, passed, expected: parameter, images: [] };
        entry.images.push(image);
        mismatches.set(key, entry);
      });
    });
    for (const { index, passed, expected, images } of mismatches.values()) {
      const span = call.arguments.spans[index];
      findings.push({
        code: callArgumentsRule.code,
        severity: context.severities[callArgumentsRule.code],
        message:
          `\`${call.site.name}\`, the file's own function, takes \`${expected}\` as argument ${index + 1}; ` +
          `the call passes \`${input.text.slice(span.start, span.end)}\`, a \`${structPointerText(passed)}\` on ${imagesOf(context, images)}, so it does not compile there`,
        range: spanRange(input, span),
        targets: images,
      });
    }
  }
  return findings;
}

interface ImageVerdict {
  image: number;
  shapes: CallShape[];
}

/** The compiled targets on which the call does not fit, and those on which it does. */
function judgeCall(context: RuleContext, input: CallArgumentsInput, call: CallWithArguments, shapesPerSlot: readonly (CallShape[] | undefined)[]): { failing: ImageVerdict[]; fitting: ImageVerdict[] } {
  const passed = call.arguments.spans.length;
  const failing: ImageVerdict[] = [];
  const fitting: ImageVerdict[] = [];
  // An argument the driver's macro may make several of (`#define RANGE 3000, 3300`) leaves the count open.
  if (call.arguments.spans.some((span) => input.mayStandForSeveral?.(input.text.slice(span.start, span.end)))) return { failing, fitting };
  for (let slot = 0; slot < context.targets.length; slot++) {
    const image = context.targets[slot];
    if (!input.compiled(slot, call.site.line) || input.leftOut?.(slot, call.site)) continue;
    const shapes = shapesPerSlot[slot];
    // No header data there, a prototype not read with confidence, or no declaration there
    // (missing-function's case): nothing to judge on that kernel.
    if (shapes === undefined || shapes.length === 0) continue;
    // A macro splits its arguments at commas outside parentheses only: `{a, b}` is two there.
    if (shapes.some((shape) => shape.macro) && call.arguments.commaInBraces) continue;
    const fits = shapes.some((shape) => fitsCount(shape, passed));
    (fits ? fitting : failing).push({ image, shapes });
  }
  return { failing, fitting };
}

/** Whether a call passing `passed` arguments fits the shape: `M()` passes one empty argument to a macro of one parameter. */
function fitsCount(shape: CallShape, passed: number): boolean {
  if (shape.variadic) return passed >= shape.parameters;
  return passed === shape.parameters || (shape.macro && shape.parameters === 1 && passed === 0);
}

/**
 * "`class_create` takes 1 argument on 6.12–7.3 (`struct class *class_create(const char *)`); the
 * call passes 2, so it does not compile there". Kernels whose declarations a caller sees alike
 * are named together, each prototype once:
 * 6.1's fortified inline `strscpy(char *const, const char *const, size_t)` is its extern
 * `strscpy(char *, const char *, size_t)` to a caller, and so 5.10's.
 */
function messageOf(context: RuleContext, name: string, passed: number, failing: readonly ImageVerdict[]): string {
  const groups = new Map<string, { shapes: CallShape[]; images: number[] }>();
  for (const { image, shapes } of failing) {
    const key = `${takesText(shapes)}\u0000${[...new Set(shapes.map((shape) => (shape.prototype ? asCallerSees(shape.prototype) : '')))].sort().join('\u0000')}`;
    const group = groups.get(key) ?? { shapes: [], images: [] };
    group.shapes.push(...shapes);
    group.images.push(image);
    groups.set(key, group);
  }
  const parts = [...groups.values()].map(({ shapes, images }) => describeShapes(shapes, imagesOf(context, images)));
  return `\`${name}\` ${parts.join('; ')}; the call passes ${passed}, so it does not compile there`;
}

function takesText(shapes: readonly CallShape[]): string {
  const counts = [...new Set(shapes.map((shape) => `${shape.variadic ? 'at least ' : ''}${count(shape.parameters)}`))];
  return `${shapes.every((shape) => shape.macro) ? 'is a macro of' : 'takes'} ${counts.join(' or ')}`;
}

function describeShapes(shapes: readonly CallShape[], on: string): string {
  const byCaller = new Map<string, string>();
  for (const { prototype } of shapes) if (prototype && !byCaller.has(asCallerSees(prototype))) byCaller.set(asCallerSees(prototype), `\`${prototype}\``);
  return `${takesText(shapes)} on ${on}${byCaller.size > 0 ? ` (${[...byCaller.values()].join(', ')})` : ''}`;
}

/** A prototype without its parameters' own `const` (`char *const` is `char *` to a caller). */
function asCallerSees(prototype: string): string {
  return prototype.replace(/\*\s*const\b/g, '*').replace(/\s+/g, ' ');
}

function count(n: number): string {
  return `${n} argument${n === 1 ? '' : 's'}`;
}

function factsOf(db: KernelDatabase, text: string, call: CallWithArguments, verdicts: { failing: ImageVerdict[]; fitting: ImageVerdict[] }): CallArgumentFacts {
  const byVersion = (list: readonly ImageVerdict[]) => [...list].sort((a, b) => db.images[a.image].versionCode - db.images[b.image].versionCode);
  const failing = byVersion(verdicts.failing);
  const fitting = byVersion(verdicts.fitting);
  const versionOf = (verdict: ImageVerdict) => db.images[verdict.image].versionCode;
  const failingAreNewer = fitting.length === 0 || versionOf(failing[0]) > versionOf(fitting[fitting.length - 1]);
  // One version boundary must split the kernels the call fails on from those it fits.
  const separated = failingAreNewer || versionOf(failing[failing.length - 1]) < versionOf(fitting[0]);
  const first = failingAreNewer ? failing[0] : fitting[0];
  const [major, minor] = db.images[first.image].release.split('.').map(Number);
  return {
    name: call.site.name,
    start: call.start,
    end: call.arguments.end,
    rewritten: separated ? droppedArgument(text, call, failing, fitting) : undefined,
    boundary: { major, minor },
    failingAreNewer,
  };
}

/**
 * The call with the one argument the failing kernels no longer take, where that argument is
 * clear: every failing kernel takes one argument fewer and either exactly one argument is
 * `THIS_MODULE` (the owner parameter `class_create` lost), or the fitting kernels' parameter
 * types are the failing ones' with one more at a single place (`netif_napi_add`'s weight).
 */
function droppedArgument(text: string, call: CallWithArguments, failing: readonly ImageVerdict[], fitting: readonly ImageVerdict[]): string | undefined {
  const spans = call.arguments.spans;
  const passed = spans.length;
  const single = (list: readonly ImageVerdict[]) => {
    const shapes = new Set(list.flatMap((v) => v.shapes.map((s) => JSON.stringify(s))));
    return shapes.size === 1 ? list[0].shapes[0] : undefined;
  };
  const failingShape = single(failing);
  const fittingShape = single(fitting);
  if (!failingShape || failingShape.variadic || failingShape.parameters !== passed - 1) return undefined;
  const words = spans.map((span) => text.slice(span.start, span.end));
  let dropped = -1;
  if (words.filter((word) => word === 'THIS_MODULE').length === 1) dropped = words.indexOf('THIS_MODULE');
  else if (failingShape.types && fittingShape?.types && fittingShape.types.length === passed) dropped = extraParameter(fittingShape.types, failingShape.types);
  if (dropped < 0) return undefined;
  const kept = words.filter((_, i) => i !== dropped);
  return `${call.site.name}(${kept.join(', ')})`;
}

/** The index at which `longer` has one parameter more than `shorter`, when there is exactly one such place. */
function extraParameter(longer: readonly string[], shorter: readonly string[]): number {
  let found = -1;
  for (let i = 0; i < longer.length; i++) {
    const without = longer.filter((_, k) => k !== i);
    if (without.every((type, k) => type === shorter[k])) {
      if (found >= 0) return -1;
      found = i;
    }
  }
  return found;
}

/**
 * Fixes for a call-arguments finding: a version guard around the statement with the call as
 * each side of the boundary takes it, where the dropped argument is clear.
 */
export function callArgumentsFixes(text: string, facts: CallArgumentFacts): QuickFix[] {
  if (!facts.rewritten) return [];
  const statement = enclosingStatement(text, facts.start);
  if (!statement) return [];
  const lines = new TextLines(text);
  if (!balancedDirectives(lines, lines.position(statement.start).line, lines.position(statement.end).line)) return [];
  const original = text.slice(facts.start, facts.end);
  const withCall = (call: string) => (start: number, end: number) => text.slice(start, facts.start) + call + text.slice(facts.end, end);
  const branches = facts.failingAreNewer ? { newer: withCall(facts.rewritten), older: withCall(original) } : { newer: withCall(original), older: withCall(facts.rewritten) };
  const edits = [versionGuardEdit(lines, statement.start, statement.end, branches, facts.boundary)];
  const include = versionIncludeEdit(lines);
  if (include) edits.unshift(include);
  const label = `${facts.boundary.major}.${facts.boundary.minor}`;
  const side = facts.failingAreNewer ? `from ${label}` : `before ${label}`;
  return [{ title: `Guard this call by kernel version: \`${facts.rewritten}\` ${side}, as written otherwise`, kind: 'guard', preferred: true, edits }];
}
