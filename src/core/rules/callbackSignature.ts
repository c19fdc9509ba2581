// Rule `callback-signature`: a function stored in a function-pointer member does not fit the
// member's type on a targeted kernel (the `user_namespace` → `mnt_idmap` change of 6.3 across
// the inode operations), or a function passed to a kernel function does not fit that
// parameter's type (`crypto_completion_t` took `void *` for `struct crypto_async_request *`
// in 6.3). Compared per target, with the function's header as that target compiles it;
// targets that fail the same way share one finding.
import type { AggregateKind, KernelDatabase } from '../kernels/database';
import type { Finding } from '../check/findings';
import { callsOnTargets, type ArgumentLine, type CallSite } from '../c/calls';
import { positionAt } from '../c/lineIndex';
import { prototypeParameters } from '../c/prototypes';
import { formatFunctionType, functionPointerShape, signatureMismatch, tagsOf, type FunctionShape } from '../c/signatures';
import type { FunctionSignature } from '../c/usages';
import { integerTypedefs, type IntegerTypedefs } from '../c/integerTypedefs';
import { imagesOf, memberFinding, type MemberUse, type RuleContext, type RuleInfo } from './rule';
import { countedCache } from '../countedCache';
import { detached } from '../detached';

export const callbackSignatureRule = {
  code: 'callback-signature',
  name: 'CallbackSignature',
  severity: 'warning',
  description: 'A function assigned to a function-pointer member, or passed for a function-pointer parameter, does not match its type on some targeted kernels.',
} as const satisfies RuleInfo;

/** The calls of a file, for the functions they pass to kernel functions. */
export interface CallbackArgumentsInput {
  /** The text with comments and strings blanked. */
  masked: string;
  sites: readonly CallSite[];
  lineStartIndices: readonly number[];
  isDirectiveLine: (line: number) => boolean;
  /** Whether the call's line is certainly compiled for the target in `slot`, and not in an argument a macro leaves out. */
  compiled: (slot: number, site: CallSite) => boolean;
  /** How the target in `slot` reads a line inside an argument list that crosses `#if` lines; without it such calls are not judged. */
  lineOnTarget?: (slot: number, line: number) => ArgumentLine;
  /** Whether the driver defines or declares the called name itself (then its own parameters count). */
  definedByDriver: (name: string) => boolean;
  /** The file's function of that name as the target in `slot` certainly compiles its header; undefined for any other name. */
  fileFunction: (name: string, slot: number) => FunctionSignature | undefined;
  /**
   * The parameter types of a function the file defines or declares, as its shared text reads
   * them (undefined for other names): a parameter of a kernel typedef of a function
   * (`io_notify_fn fn` of flashcache's `dm_io_async_bvec`) is judged as a kernel function's is.
   */
  ownParameters?: (name: string) => readonly string[] | undefined;
  /** Parameter `index` of the file's own function as the target in `slot` certainly compiles it, where the driver does not define its type's name itself. */
  ownParameter?: (name: string, index: number, slot: number) => string | undefined;
}

/** Why a function does not fit a function-pointer type, and that type. */
interface Mismatch {
  type: string;
  why: string;
}

/** A plain function name passed as an argument, `&` allowed. */
const FUNCTION_ARGUMENT = /^&?\s*([A-Za-z_]\w*)$/;

/** Answers of each kind kept: a run over a kernel tree's drivers/ asks about 70,000 functions. */
const KEPT_ANSWERS = 16_384;

/** The judge, with what it learns kept across files and edits (the same pairs recur). */
export class CallbackSignatureJudge {
  // No answer is kept too, as false: a cache cannot hold undefined.
  private readonly shapes = countedCache<string, FunctionShape | false>(KEPT_ANSWERS);
  private readonly typedefCallbacks = countedCache<string, string | false>(KEPT_ANSWERS);
  private readonly verdicts = countedCache<string, string | false>(KEPT_ANSWERS);
  private readonly typedefsByArch = new Map<string, IntegerTypedefs>();
  /** Per kernel function, the images on which a parameter of it holds a function. */
  private readonly callbackTakers = countedCache<string, ReadonlySet<number>>(KEPT_ANSWERS);

  constructor(private readonly db: KernelDatabase) {}

  judge(context: RuleContext, use: MemberUse): Finding[] {
    const mismatched = new Map<string, { images: number[]; type: string; why: string; signature: FunctionSignature }>();
    // A function that fits a function-pointer type on one image fits it on every image of the
    // same architecture: most uses are judged once, not once per target.
    const fits = new Map<FunctionSignature, Set<string>>();
    for (const [image, signature] of use.signatures) {
      const state = use.history[image];
      if (state.state !== 'present') continue;
      const fitKey = `${this.db.images[image].arch}\u0000${state.member.type}`;
      if (fits.get(signature)?.has(fitKey)) continue;
      const mismatch = this.verdictOn(image, signature, state.member.type);
      if (mismatch === 'fits' && this.shapeOf(state.member.type)) fits.set(signature, (fits.get(signature) ?? new Set()).add(fitKey));
      if (typeof mismatch !== 'object') continue;
      const key = `${signature.name}\u0000${mismatch.type}\u0000${mismatch.why}`;
      const entry = mismatched.get(key) ?? { images: [], ...mismatch, signature };
      entry.images.push(image);
      mismatched.set(key, entry);
    }
    const { aggregate, member } = use.usage;
    return [...mismatched.values()].map((m) =>
      memberFinding(
        context,
        callbackSignatureRule.code,
        use,
        m.images.sort((a, b) => a - b),
        `\`${m.signature.name}\` does not fit \`.${member}\` of ${aggregate.kind} ${aggregate.name} on ${imagesOf(context, m.images)}: ${m.why}; the member there is ${m.type}`,
      ),
    );
  }

  /**
   * Functions of the file passed to a kernel function's function-pointer parameter
   * (`ahash_request_set_callback(req, flags, my_complete, data)`): gcc stops at one that does
   * not fit ("passing argument 3 … from incompatible pointer type"). Judged where the target has
   * one prototype of the called function and no macro of its name, and the argument is the
   * name of a function the file defines with one header. So are those passed to a parameter of
   * the file's own function typed by a kernel typedef of a function (`io_notify_fn`, which
   * took an `unsigned long` more in 7.2), as the target compiles that parameter.
   */
  judgeArguments(context: RuleContext, input: CallbackArgumentsInput): Finding[] {
    const headers = this.db.headers();
    const targets = context.targets.map((image, slot) => ({ image, slot })).filter(({ image }) => headers.covers(image));
    if (targets.length === 0) return [];
    const ownTakers = new Map<string, boolean>();
    const takesOwnCallbacks = (name: string) => {
      let taking = ownTakers.get(name);
      if (taking === undefined) ownTakers.set(name, (taking = (input.ownParameters?.(name) ?? []).some((type) => targets.some(({ image }) => this.db.functionTypedef(type, image) !== undefined))));
      return taking;
    };
    const sites = input.sites.filter((site) => !site.reference && (input.definedByDriver(site.name) ? takesOwnCallbacks(site.name) : this.takesCallbacks(site.name, targets)));
    const findings: Finding[] = [];
    for (const { site, arguments: args, slots } of callsOnTargets(input.masked, sites, input.lineStartIndices, input.isDirectiveLine, context.targets.length, input.lineOnTarget)) {
      args.spans.forEach((span, index) => {
        const passed = span.spliced ? undefined : FUNCTION_ARGUMENT.exec(input.masked.slice(span.start, span.end).trim())?.[1];
        if (!passed) return;
        const mismatched = new Map<string, Mismatch & { images: number[] }>();
        for (const { image, slot } of targets) {
          if (!slots.includes(slot)) continue;
          const signature = input.fileFunction(passed, slot);
          if (!signature || !input.compiled(slot, site)) continue;
          const parameter = input.definedByDriver(site.name) ? input.ownParameter?.(site.name, index, slot) : this.parameterType(site.name, index, image);
          const mismatch = parameter && this.verdictOn(image, signature, parameter);
          if (typeof mismatch !== 'object') continue;
          const key = `${mismatch.type}\u0000${mismatch.why}`;
          const entry = mismatched.get(key) ?? { images: [], ...mismatch };
          entry.images.push(image);
          mismatched.set(key, entry);
        }
        const offset = span.start + input.masked.slice(span.start, span.end).indexOf(passed);
        const start = positionAt(input.lineStartIndices, offset);
        for (const m of mismatched.values()) {
          findings.push({
            code: callbackSignatureRule.code,
            severity: context.severities[callbackSignatureRule.code],
            message: `\`${passed}\` does not fit parameter ${index + 1} of \`${site.name}\` on ${imagesOf(context, m.images)}: ${m.why}; the parameter there is ${m.type}`,
            range: { startLine: start.line, startColumn: start.column, endLine: start.line, endColumn: start.column + passed.length, startIndex: offset, endIndex: offset + passed.length },
            targets: m.images,
          });
        }
      });
    }
    return findings;
  }

  /** Whether the kernel function has a function-pointer parameter on one of the targets: only calls of those are read for their arguments. */
  private takesCallbacks(name: string, targets: readonly { image: number }[]): boolean {
    let taking = this.callbackTakers.get(name);
    if (taking === undefined) {
      const headers = this.db.headers();
      const images = new Set<number>();
      if (headers.isFunction(name)) {
        for (let image = 0; image < this.db.images.length; image++) {
          const types = (headers.functions(name, image) ?? []).flatMap((declaration) => prototypeParameters(declaration.prototype, name)?.types ?? []);
          if (types.some((type) => this.callbackType(type, image) !== undefined)) images.add(image);
        }
      }
      this.callbackTakers.set(detached(name), (taking = images));
    }
    const images = taking;
    return images.size > 0 && targets.some(({ image }) => images.has(image));
  }

  /** The type of parameter `index` of the kernel function on `image`, where it has one prototype there and no macro of the name. */
  private parameterType(name: string, index: number, image: number): string | undefined {
    const headers = this.db.headers();
    const prototypes = headers.functions(name, image);
    if (prototypes?.length !== 1 || (headers.macros(name, image) ?? []).length > 0) return undefined;
    return prototypeParameters(prototypes[0].prototype, name)?.types[index];
  }

  /**
   * Why the function does not fit a place of type `type` (a member's, a parameter's) on
   * `image`, with the function type it holds there. 'fits' where the types' text alone shows
   * it fits, on every image of the architecture with that type; 'fits here' where it fits
   * only through what the image's headers make of a struct's name; undefined where no
   * function type is known.
   */
  private verdictOn(image: number, signature: FunctionSignature, type: string): Mismatch | 'fits' | 'fits here' | undefined {
    // A member typed by a typedef of a function (`proc_handler *proc_handler`) holds what the
    // typedef names on that kernel, where the data knows it.
    const memberType = this.callbackType(type, image);
    const expected = memberType ? this.shapeOf(memberType) : undefined;
    if (!memberType || !expected) return undefined;
    const arch = this.db.images[image].arch;
    const typedefs = this.typedefsOf(arch);
    const verdictKey = `${signatureKey(signature)}\u0000${memberType}\u0000${arch}`;
    let plainly = this.verdicts.get(verdictKey);
    if (plainly === undefined) this.verdicts.set(detached(verdictKey), (plainly = detachedOrFalse(signatureMismatch(signature, expected, { typedefs }))));
    if (!plainly) return 'fits';
    // A tag the image's headers #define as another word is that struct (`struct
    // sockaddr_storage`, `spi_master` before 6.12). Where the data has no headers, a kernel
    // struct the function names that the image's types lack may be such another name too
    // (64-bit kernels before 4.18: `#define timespec64 timespec`); where it has them, such a
    // tag is a struct of its own there, if only an incomplete one (`struct mnt_idmap`
    // before 6.3), and no pointer to another struct.
    const knowsRenames = this.db.headers().covers(image);
    const unsure = signatureTags(signature).filter((tag) => {
      const [kind, name] = tag.split(' ') as [AggregateKind, string];
      if (this.db.renames(name, image)) return true;
      return !knowsRenames && this.db.knows({ kind, name }) && this.db.definition({ kind, name }, image) === null;
    });
    const why = unsure.length > 0 ? signatureMismatch(signature, expected, { typedefs, uncertain: (tag) => unsure.includes(tag) }) : plainly;
    return why ? { type: formatFunctionType(expected), why } : 'fits here';
  }

  private typedefsOf(arch: string): IntegerTypedefs {
    let typedefs = this.typedefsByArch.get(arch);
    if (!typedefs) this.typedefsByArch.set(arch, (typedefs = integerTypedefs(arch)));
    return typedefs;
  }

  /** The function-pointer type a member holds on `image`: its own, or what its function typedef names there. */
  private callbackType(type: string, image: number): string | undefined {
    if (this.shapeOf(type)) return type;
    const key = `${type}\u0000${image}`;
    let held = this.typedefCallbacks.get(key);
    if (held === undefined) this.typedefCallbacks.set(detached(key), (held = this.db.functionTypedef(type, image) ?? false));
    return held || undefined;
  }

  /** functionPointerShape, once per type text: checks ask it for every callback on every target. */
  private shapeOf(type: string): FunctionShape | undefined {
    let shape = this.shapes.get(type);
    if (shape === undefined) {
      // The shape's texts are cut from the type's: both are kept apart from the file's text.
      const kept = detached(type);
      this.shapes.set(kept, (shape = functionPointerShape(kept) ?? false));
    }
    return shape || undefined;
  }
}

/** A verdict's text names the file's types: kept, it is copied apart from the file's text. */
function detachedOrFalse(why: string | undefined): string | false {
  return why === undefined ? false : detached(why);
}

const signatureKeys = new WeakMap<FunctionSignature, string>();

/** A function's shape as a string, computed once per signature object (targets share them). */
function signatureKey(signature: FunctionSignature): string {
  let key = signatureKeys.get(signature);
  if (key === undefined) signatureKeys.set(signature, (key = `${signature.returnType}\u0000${signature.parameterTypes.join('\u0001')}`));
  return key;
}

const signatureTagLists = new WeakMap<FunctionSignature, string[]>();

function signatureTags(signature: FunctionSignature): string[] {
  let tags = signatureTagLists.get(signature);
  if (tags === undefined) signatureTagLists.set(signature, (tags = tagsOf(signature)));
  return tags;
}
