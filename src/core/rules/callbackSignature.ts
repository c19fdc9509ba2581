// Rule `callback-signature`: a function stored in a function-pointer member does not fit the
// member's type on a targeted kernel (the `user_namespace` → `mnt_idmap` change of 6.3 across
// the inode operations). Compared per target, with the function's header as that target
// compiles it; targets that fail the same way share one finding.
import type { AggregateKind, KernelDatabase } from '../kernels/database';
import type { Finding } from '../check/findings';
import { formatFunctionType, functionPointerShape, signatureMismatch, tagsOf, type FunctionShape } from '../c/signatures';
import type { FunctionSignature } from '../c/usages';
import { integerTypedefs, type IntegerTypedefs } from '../c/integerTypedefs';
import { imagesOf, memberFinding, type MemberUse, type RuleContext, type RuleInfo } from './rule';

export const callbackSignatureRule = {
  code: 'callback-signature',
  name: 'CallbackSignature',
  severity: 'warning',
  description: 'A function assigned to a function-pointer member does not match its type on some targeted kernels.',
} as const satisfies RuleInfo;

/** The judge, with what it learns kept across files and edits (the same pairs recur). */
export class CallbackSignatureJudge {
  private readonly shapes = new Map<string, FunctionShape | undefined>();
  private readonly typedefCallbacks = new Map<string, string | undefined>();
  private readonly verdicts = new Map<string, string | undefined>();
  private readonly typedefsByArch = new Map<string, IntegerTypedefs>();

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
      const mismatch = this.mismatchOn(image, signature, use);
      if (!mismatch && this.shapeOf(state.member.type)) fits.set(signature, (fits.get(signature) ?? new Set()).add(fitKey));
      if (!mismatch) continue;
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

  /** Why the function does not fit the member on `image`, with the member's type there. */
  private mismatchOn(image: number, signature: FunctionSignature, use: MemberUse): { type: string; why: string } | undefined {
    const state = use.history[image];
    if (state.state !== 'present') return undefined;
    // A member typed by a typedef of a function (`proc_handler *proc_handler`) holds what the
    // typedef names on that kernel, where the data knows it.
    const memberType = this.callbackType(state.member.type, image);
    const expected = memberType ? this.shapeOf(memberType) : undefined;
    if (!memberType || !expected) return undefined;
    const arch = this.db.images[image].arch;
    const typedefs = this.typedefsOf(arch);
    const verdictKey = `${signatureKey(signature)}\u0000${memberType}\u0000${arch}`;
    if (!this.verdicts.has(verdictKey)) this.verdicts.set(verdictKey, signatureMismatch(signature, expected, { typedefs }));
    let why = this.verdicts.get(verdictKey);
    if (why) {
      // A kernel struct the function names that this image's data lacks may be another name
      // for a struct it has (64-bit kernels before 4.18: `#define timespec64 timespec`), and
      // a tag its headers #define as another word is that struct (`struct sockaddr_storage`).
      const unsure = signatureTags(signature).filter((tag) => {
        const [kind, name] = tag.split(' ') as [AggregateKind, string];
        return (this.db.knows({ kind, name }) && this.db.definition({ kind, name }, image) === null) || this.db.renames(name, image);
      });
      if (unsure.length > 0) why = signatureMismatch(signature, expected, { typedefs, uncertain: (tag) => unsure.includes(tag) });
    }
    return why ? { type: formatFunctionType(expected), why } : undefined;
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
    if (!this.typedefCallbacks.has(key)) this.typedefCallbacks.set(key, this.db.functionTypedef(type, image));
    return this.typedefCallbacks.get(key);
  }

  /** functionPointerShape, once per type text: checks ask it for every callback on every target. */
  private shapeOf(type: string): FunctionShape | undefined {
    if (!this.shapes.has(type)) this.shapes.set(type, functionPointerShape(type));
    return this.shapes.get(type);
  }
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
