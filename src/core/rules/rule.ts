// What every finding kind shares: its description (code, SARIF name, default severity) and
// the context a judge reads. Each kind is one module of this folder; `index.ts` lists them.
import type { KernelDatabase, MemberState } from '../kernels/database';
import { describeImages } from '../kernels/history';
import type { Finding, Severity } from '../check/findings';
import type { FunctionSignature, MemberUsage } from '../c/usages';

export interface RuleInfo {
  /** The stable code shown with every finding and used as SARIF rule id. */
  code: string;
  /** The SARIF rule name. */
  name: string;
  severity: Severity;
  /** One sentence for SARIF and the README. */
  description: string;
}

export interface RuleContext {
  db: KernelDatabase;
  /** Image indices checked, in order. */
  targets: readonly number[];
  severities: Readonly<Record<string, Severity>>;
}

/** A struct member use with the targets that certainly compile it and its member's history. */
export interface MemberUse {
  usage: MemberUsage;
  /** Image indices whose build certainly compiles the use (and its evidence). */
  images: number[];
  /** The member's history as the judge sees it (private structs unknown). */
  history: MemberState[];
  /** For a function stored in the member: its header as each judged image compiles it. */
  signatures: ReadonlyMap<number, FunctionSignature>;
}

/** "5.15–6.1 and 7.3" for image indices, worded against the targets. */
export function imagesOf(context: RuleContext, images: readonly number[]): string {
  return describeImages(context.db.images, images, context.targets);
}

/** A finding about a member use, of `code`, on `images`. */
export function memberFinding(context: RuleContext, code: string, use: MemberUse, images: number[], message: string): Finding {
  const { usage } = use;
  return {
    code: code as Finding['code'],
    severity: context.severities[code],
    message,
    range: usage.range,
    aggregate: usage.aggregate,
    member: usage.member,
    targets: images,
  };
}

/**
 * `read` kept per member type text: a check asks about every use on every target, of few
 * types. Module-wide, as the answers depend on the text alone.
 */
export function byTypeText<T>(read: (type: string) => T): (type: string) => T {
  const known = new Map<string, T>();
  return (type) => {
    if (known.has(type)) return known.get(type)!;
    const value = read(type);
    known.set(type, value);
    return value;
  };
}

/**
 * One finding on the judged images where the member's type makes the use fail (`fails`),
 * quoting the member's declaration on the newest of them: the shared judge of the rules about
 * what a member's type allows (`->` on an embedded struct, assigning a const).
 */
export function findingWhereTypeFails(
  context: RuleContext,
  code: string,
  use: MemberUse,
  fails: (type: string) => boolean,
  message: (on: string, declaration: string) => string,
): Finding | undefined {
  const failing = use.images.filter((image) => {
    const state = use.history[image];
    return state.state === 'present' && fails(state.member.type);
  });
  if (failing.length === 0) return undefined;
  const newest = use.history[failing[failing.length - 1]];
  const declaration = newest.state === 'present' ? newest.member.declaration : use.usage.member;
  return memberFinding(context, code, use, failing, message(imagesOf(context, failing), declaration));
}

