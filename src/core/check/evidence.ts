// Which targets a usage counts for. A usage is judged for a target only where it is certainly
// compiled, and so are the declarations its type was read from and the header of the function
// assigned in it: a line an unknown guard may drop (or swap for another branch) proves nothing.
// A name a target may #define is not what the compiler sees there either: compat headers
// rename members (`#define priv_destructor destructor`) and structs (`#define proc_ops file_operations`).
import { LineState, type IncludedHeader, type PreprocessResult } from '../c/preprocessor';
import type { FunctionSignature, MemberUsage, SourceRange } from '../c/usages';
import type { CheckTypeOracle } from './typeOracle';
import type { HeaderReadings } from './headerReadings';
import type { VariantRead } from './variants';

/** A usage and, per target slot, whether it counts there and the assigned function's header. */
export interface CollectedUsage {
  usage: MemberUsage;
  /** 1 where the usage counts for the target in that slot. */
  targets: Uint8Array;
  /** The assigned function's signature as each target (by image) compiles it. */
  signatures: Map<number, FunctionSignature>;
}

export class UsageEvidence {
  private readonly collected = new Map<string, CollectedUsage>();
  private readonly headerCandidates = new Map<string, { header: IncludedHeader; signature: FunctionSignature }[]>();

  constructor(
    private readonly pre: PreprocessResult,
    private readonly targets: readonly number[],
    private readonly headers: HeaderReadings,
    private readonly oracle: CheckTypeOracle,
    /** Per target slot, arguments of driver macros that drop, stringify or paste them: code there is not compiled as written. */
    private readonly droppedArguments: readonly (readonly { start: number; end: number }[])[] = [],
  ) {}

  /** Records the usages of one read for its targets. */
  record({ found, functions, slots, keep }: VariantRead): void {
    for (const usage of found.usages) {
      if (!keep(usage)) continue;
      const entry = this.entryOf(usage);
      const signature = usage.assignedFunction ? functions.get(usage.assignedFunction) : undefined;
      // Asked once per usage, then per target: a usage is recorded for up to every target.
      const macros = [this.pre.definedMacros.get(usage.member), this.pre.definedMacros.get(usage.aggregate.name)].filter((marks) => marks !== undefined);
      const signatureMacros = signature ? this.macroMarksOf(signature) : undefined;
      for (const slot of slots) {
        if (!this.counts(usage, slot) || macros.some((marks) => marks[slot] === 1)) continue;
        entry.targets[slot] = 1;
        if (signature) {
          if (this.headerCompiled(slot, signature) && !signatureMacros!.some((marks) => marks[slot] === 1)) entry.signatures.set(this.targets[slot], signature);
        } else {
          const declared = this.declaredInHeader(usage, slot);
          if (declared && !this.signatureUsesMacro(declared, slot)) entry.signatures.set(this.targets[slot], declared);
        }
      }
    }
  }

  /** Every recorded usage, in file order. */
  usages(): CollectedUsage[] {
    return [...this.collected.values()].sort((a, b) => a.usage.range.startIndex - b.usage.range.startIndex);
  }

  private entryOf(usage: MemberUsage): CollectedUsage {
    const id = `${usage.range.startIndex}:${usage.aggregate.kind}:${usage.aggregate.name}:${usage.member}`;
    let entry = this.collected.get(id);
    if (!entry) this.collected.set(id, (entry = { usage, targets: new Uint8Array(this.targets.length), signatures: new Map() }));
    return entry;
  }

  /** Whether the usage counts for the target in `slot`, but for macros named like its member or struct (see record). */
  private counts(usage: MemberUsage, slot: number): boolean {
    if (this.pre.lineStates[slot][usage.range.startLine] !== LineState.Active) return false;
    // `dbg("%d", p->m)` where this target's dbg compiles to nothing: the compiler never sees `p->m`.
    if (this.droppedArguments[slot]?.some((span) => usage.range.startIndex >= span.start && usage.range.startIndex < span.end)) return false;
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
    const marks: Uint8Array[] = [];
    if (this.pre.definedMacros.size === 0) return marks;
    for (const word of signatureWords(signature)) {
      const defined = this.pre.definedMacros.get(word);
      if (defined) marks.push(defined);
    }
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
        if (!header.text.includes(name)) continue;
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
