// Which targets a usage counts for. A usage is judged for a target only where it is certainly
// compiled, and so are the declarations its type was read from and the header of the function
// assigned in it: a line an unknown guard may drop (or swap for another branch) proves nothing.
// A name a target may #define is not what the compiler sees there either: compat headers
// rename members (`#define priv_destructor destructor`) and structs (`#define proc_ops file_operations`).
import { LineState, type IncludedHeader, type PreprocessResult } from '../c/preprocessor';
import type { FileUsages, FunctionSignature, MemberUsage, SourceRange } from '../c/usages';
import type { CheckTypeOracle } from './typeOracle';
import type { HeaderReadings } from './headerReadings';
import type { VariantRead } from './variants';
import type { SpanSet } from '../c/spanSet';

/** A usage and, per target slot, whether it counts there and the assigned function's header. */
export interface CollectedUsage {
  usage: MemberUsage;
  /** 1 where the usage counts for the target in that slot. */
  targets: Uint8Array;
  /** The assigned function's signature as each target (by image) compiles it. */
  signatures: Map<number, FunctionSignature>;
}

export class UsageEvidence {
  /** By the index where the member's name starts. */
  private readonly collected = new Map<number, CollectedUsage[]>();
  private readonly signatureMacroMarks = new Map<FunctionSignature, Uint8Array[]>();
  private readonly headerCandidates = new Map<string, { header: IncludedHeader; signature: FunctionSignature }[]>();

  constructor(
    private readonly pre: PreprocessResult,
    private readonly targets: readonly number[],
    private readonly headers: HeaderReadings,
    private readonly oracle: CheckTypeOracle,
    /** Per target slot, arguments of driver macros that drop, stringify or paste them: code there is not compiled as written. */
    private readonly droppedArguments: readonly SpanSet[] = [],
  ) {}

  /** Records the usages of one read for its targets. */
  record({ found, functions, slots, keep }: VariantRead): void {
    for (const usage of found.usages) {
      if (!keep(usage)) continue;
      const entry = this.entryOf(usage);
      const signature = usage.assignedFunction ? functions.get(usage.assignedFunction) : undefined;
      // Asked once per usage, then per target: a usage is recorded for up to every target.
      const memberMacro = this.pre.definedMacros.get(usage.member);
      const aggregateMacro = this.pre.definedMacros.get(usage.aggregate.name);
      const signatureMacros = signature ? this.macroMarksOf(signature) : undefined;
      for (const slot of slots) {
        if (memberMacro?.[slot] === 1 || aggregateMacro?.[slot] === 1 || !this.counts(usage, slot)) continue;
        entry.targets[slot] = 1;
        if (signature) {
          if (this.headerCompiled(slot, signature) && !marksSlot(signatureMacros!, slot)) entry.signatures.set(this.targets[slot], signature);
        } else {
          const declared = this.declaredInHeader(usage, slot);
          if (declared && !this.signatureUsesMacro(declared, slot)) entry.signatures.set(this.targets[slot], declared);
        }
      }
    }
  }

  /** Every recorded usage, in file order. */
  usages(): CollectedUsage[] {
    return [...this.collected.values()].flat().sort((a, b) => a.usage.range.startIndex - b.usage.range.startIndex);
  }

  /** The entry of the use of this member of this struct at this place (reads for other targets find it again). */
  private entryOf(usage: MemberUsage): CollectedUsage {
    const { startIndex } = usage.range;
    let atPlace = this.collected.get(startIndex);
    if (!atPlace) this.collected.set(startIndex, (atPlace = []));
    const { kind, name } = usage.aggregate;
    let entry = atPlace.find((e) => e.usage.member === usage.member && e.usage.aggregate.name === name && e.usage.aggregate.kind === kind);
    if (!entry) atPlace.push((entry = { usage, targets: new Uint8Array(this.targets.length), signatures: new Map() }));
    return entry;
  }

  /** Whether the usage counts for the target in `slot`, but for macros named like its member or struct (see record). */
  private counts(usage: MemberUsage, slot: number): boolean {
    if (this.pre.lineStates[slot][usage.range.startLine] !== LineState.Active) return false;
    // `dbg("%d", p->m)` where this target's dbg compiles to nothing: the compiler never sees `p->m`.
    if (this.droppedArguments[slot]?.holds(usage.range.startIndex)) return false;
    // A compat definition of the driver's may stand in for the kernel's struct on this target.
    if (!this.oracle.kernelsOn(usage.aggregate, slot)) return false;
    return !usage.evidence || usage.evidence.every((range) => this.allActive(slot, range));
  }

  private allActive(slot: number, range: SourceRange): boolean {
    const states = this.pre.lineStates[slot];
    for (let line = range.startLine; line <= range.endLine; line++) if (states[line] !== LineState.Active) return false;
    return true;
  }

  /**
   * A function header was read from a text holding exactly the target's lines, so lines of it
   * the target drops are fine (`#if` inside a parameter list); a Maybe line is not.
   */
  private headerCompiled(slot: number, signature: FunctionSignature): boolean {
    const states = this.pre.lineStates[slot];
    if (states[signature.range.startLine] !== LineState.Active) return false;
    for (let line = signature.header.startLine; line <= signature.header.endLine; line++) if (states[line] === LineState.Maybe) return false;
    return true;
  }

  private isMacro(name: string, slot: number): boolean {
    return this.pre.definedMacros.get(name)?.[slot] === 1;
  }

  private signatureUsesMacro(signature: FunctionSignature, slot: number): boolean {
    return this.pre.definedMacros.size > 0 && signatureWords(signature).some((word) => this.isMacro(word, slot));
  }

  /** Per target slot, where each word of the signature is a macro (only the words some target defines). */
  private macroMarksOf(signature: FunctionSignature): Uint8Array[] {
    let marks = this.signatureMacroMarks.get(signature);
    if (marks) return marks;
    marks = [];
    if (this.pre.definedMacros.size > 0) {
      for (const word of signatureWords(signature)) {
        const defined = this.pre.definedMacros.get(word);
        if (defined) marks.push(defined);
      }
    }
    this.signatureMacroMarks.set(signature, marks);
    return marks;
  }

  /**
   * A callback defined in another file of the driver, known here by its prototype in a
   * workspace header: it counts for a target where the whole prototype is certainly compiled.
   */
  private declaredInHeader(usage: MemberUsage, slot: number): FunctionSignature | undefined {
    const name = usage.assignedFunction;
    if (!name || this.pre.headers.length === 0) return undefined;
    let candidates = this.headerCandidates.get(name);
    if (candidates === undefined) {
      candidates = [];
      for (const header of this.pre.headers) {
        if (!this.headers.mayDeclareFunction(header, name)) continue;
        for (const signature of this.headers.functionsOf(header, this.oracle).get(name) ?? []) candidates.push({ header, signature });
      }
      this.headerCandidates.set(name, candidates);
    }
    let chosen: FunctionSignature | undefined;
    for (const { header, signature } of candidates) {
      const states = header.lineStates[slot];
      let compiled = true;
      for (let line = signature.header.startLine; compiled && line <= signature.header.endLine; line++) {
        compiled = states[line] === LineState.Active && header.directiveLines[line] === 0;
      }
      if (compiled && !this.signatureUsesMacro(signature, slot)) chosen = signature;
    }
    return chosen;
  }
}

/**
 * The file's function `name` as the target in `slot` certainly compiles it (a function passed
 * to a kernel function is judged by it): every declaration and the definition in the file read
 * the same, the target certainly compiles their headers, and it has none of their words, nor
 * the name, as a macro. Undefined otherwise, and for names the file does not declare.
 */
export function certainFileFunction(union: FileUsages, pre: PreprocessResult, name: string, slot: number): FunctionSignature | undefined {
  const versions = union.functionVersions.get(name);
  if (!versions || versions.length === 0 || pre.definedMacros.get(name)?.[slot] === 1) return undefined;
  const signature = versions[versions.length - 1];
  const shape = (version: FunctionSignature) => `${version.returnType}\u0000${version.parameterTypes.join('\u0001')}`;
  if (versions.some((version) => shape(version) !== shape(signature))) return undefined;
  const states = pre.lineStates[slot];
  for (const version of versions) {
    for (let line = version.header.startLine; line <= version.header.endLine; line++) if (states[line] !== LineState.Active || pre.directiveLines[line]) return undefined;
  }
  if (signatureWords(signature).some((word) => pre.definedMacros.get(word)?.[slot] === 1)) return undefined;
  return signature;
}

/**
 * Parameter `index` of the file's function `name` as the target in `slot` certainly compiles
 * it, where it is a type name the driver neither defines as a type nor as a macro there
 * (`io_notify_fn`: then the kernel's). Unlike certainFileFunction, a header may hold
 * directives (`#if` around one parameter): every other line of it must be compiled by the
 * target, or by none, so the shared text's parameter list is the target's.
 */
export function certainKernelTypedParameter(union: FileUsages, pre: PreprocessResult, name: string, index: number, slot: number, definesType: (name: string) => boolean): string | undefined {
  const versions = union.functionVersions.get(name);
  if (!versions || versions.length === 0 || pre.definedMacros.get(name)?.[slot] === 1) return undefined;
  const type = versions[0].parameterTypes[index];
  if (type === undefined || !TYPE_NAME.test(type) || versions.some((version) => version.parameterTypes.length !== versions[0].parameterTypes.length || version.parameterTypes[index] !== type)) return undefined;
  const typeName = /[A-Za-z_]\w*(?=\s*\*?$)/.exec(type)![0];
  if (definesType(typeName) || pre.definedMacros.get(typeName)?.[slot] === 1) return undefined;
  const states = pre.lineStates[slot];
  const noneCompiles = (line: number) => pre.lineStates.every((each) => each[line] === LineState.Inactive);
  for (const version of versions) {
    for (let line = version.header.startLine; line <= version.header.endLine; line++) {
      if (!pre.directiveLines[line] && states[line] !== LineState.Active && !noneCompiles(line)) return undefined;
    }
  }
  return signatureWords(versions[0]).some((word) => pre.definedMacros.get(word)?.[slot] === 1) ? undefined : type;
}

/** A parameter typed by a name alone, or a pointer to one (`io_notify_fn`, `proc_handler *`). */
const TYPE_NAME = /^(?:const\s+)?[A-Za-z_]\w*(?:\s*\*)?$/;

/** Whether one of the marks is set for the slot. */
function marksSlot(marks: readonly Uint8Array[], slot: number): boolean {
  for (const mark of marks) if (mark[slot] === 1) return true;
  return false;
}

const signatureWordLists = new WeakMap<FunctionSignature, string[]>();

/** Every identifier of a function's name, return and parameter types, found once per signature. */
function signatureWords(signature: FunctionSignature): string[] {
  let words = signatureWordLists.get(signature);
  if (words === undefined) {
    words = [...new Set([signature.name, signature.returnType, ...signature.parameterTypes].flatMap((text) => text.match(/[A-Za-z_]\w*/g) ?? []))];
    signatureWordLists.set(signature, words);
  }
  return words;
}
