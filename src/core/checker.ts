// The checker: finds kernel struct usages in a C file and judges each against exactly the
// target kernels for which its line is compiled. Preprocessor branches are evaluated per
// target; every distinct set of compiled lines ("variant") is parsed on its own, so code
// inside `#if` in initializer lists or around function signatures still parses cleanly.
import type { Parser, Tree } from 'web-tree-sitter';
import type { AggregateRef, KernelDatabase, MemberState } from './database';
import { describeImages, findSuccessor } from './history';
import { LineState, preprocess, type IncludeResolver, type KernelEnvironment } from './preprocessor';
import { formatFunctionType, functionPointerShape, signatureMismatch } from './signatures';
import { findUsages, type AggregateMention, type FileUsages, type FunctionSignature, type MemberUsage, type SourceRange, type TypeOracle } from './usages';

/** Diagnostic codes: a contract shared by diagnostics, quick fixes, the CLI and SARIF rules. */
export const Codes = {
  missingMember: 'missing-member',
  aggregateNotInImage: 'struct-not-in-image',
  callbackSignature: 'callback-signature',
  preprocessor: 'preprocessor',
} as const;
export type Code = (typeof Codes)[keyof typeof Codes];

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const DEFAULT_SEVERITIES: Record<Code, Severity> = {
  'missing-member': 'warning',
  'struct-not-in-image': 'information',
  'callback-signature': 'warning',
  preprocessor: 'information',
};

export interface Finding {
  code: Code;
  severity: Severity;
  message: string;
  range: SourceRange;
  aggregate?: AggregateRef;
  member?: string;
  /** Image indices the finding is about. */
  targets: number[];
}

/** A usage together with the targets on which its line is certainly compiled. */
export interface JudgedUsage {
  usage: MemberUsage;
  targets: number[];
}

export interface CheckResult {
  findings: Finding[];
  usages: JudgedUsage[];
  mentions: AggregateMention[];
  /** How many distinct compiled-line sets the targets produced (each parsed once). */
  variants: number;
}

export interface CheckOptions {
  fileName: string;
  /** Image indices to judge against. */
  targets: readonly number[];
  resolveInclude?: IncludeResolver;
  severities?: Partial<Record<Code, Severity>>;
  /** A key under which parse trees are kept for incremental re-parsing (an editor's document URI). */
  documentKey?: string;
}

const IGNORE_MARK = 'kernel-compat-ignore';

function blankLine(line: string): string {
  return ' '.repeat(line.length);
}

/** Index of the first character of each line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

interface CachedTree {
  text: string;
  tree: Tree;
}

/** Position (row, column) of a string offset, for tree-sitter edits. */
function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

export class Checker {
  private readonly trees = new Map<string, Map<string, CachedTree>>();
  /** Signature verdicts by function shape and member type: the same pairs recur across targets and edits. */
  private readonly signatureVerdicts = new Map<string, string | undefined>();

  constructor(
    private readonly db: KernelDatabase,
    private readonly parser: Parser,
  ) {}

  private environments(targets: readonly number[]): KernelEnvironment[] {
    return targets.map((image) => ({
      versionCode: this.db.images[image].versionCode,
      config: (symbol: string) => this.db.configValue(image, symbol),
    }));
  }

  private oracle(targets: readonly number[]): TypeOracle {
    const order = [...targets].reverse();
    return {
      isKernelAggregate: (ref) => this.db.knows(ref),
      memberType: (ref, member) => {
        const history = this.db.memberHistory(ref, member);
        // Prefer the newest targeted image that has the member, then any image.
        for (const image of order) {
          const state = history[image];
          if (state.state === 'present') return state.member.type;
        }
        for (let image = history.length - 1; image >= 0; image--) {
          const state = history[image];
          if (state.state === 'present') return state.member.type;
        }
        return undefined;
      },
    };
  }

  /** Parses `text`, reusing the previous tree of the same document and variant when there is one. */
  private parse(text: string, documentKey: string | undefined, variantKey: string): Tree {
    const cache = documentKey ? (this.trees.get(documentKey) ?? new Map<string, CachedTree>()) : undefined;
    if (documentKey && cache && !this.trees.has(documentKey)) this.trees.set(documentKey, cache);
    const previous = cache?.get(variantKey);
    let tree: Tree | null;
    if (previous && previous.text === text) return previous.tree;
    if (previous) {
      // One edit spanning the changed middle: tree-sitter then re-parses only around it.
      const old = previous.text;
      let start = 0;
      const limit = Math.min(old.length, text.length);
      while (start < limit && old.charCodeAt(start) === text.charCodeAt(start)) start++;
      let oldEnd = old.length;
      let newEnd = text.length;
      while (oldEnd > start && newEnd > start && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
        oldEnd--;
        newEnd--;
      }
      previous.tree.edit({
        startIndex: start,
        oldEndIndex: oldEnd,
        newEndIndex: newEnd,
        startPosition: pointAt(old, start),
        oldEndPosition: pointAt(old, oldEnd),
        newEndPosition: pointAt(text, newEnd),
      });
      tree = this.parser.parse(text, previous.tree);
      previous.tree.delete();
    } else tree = this.parser.parse(text);
    if (!tree) throw new Error('the C parser returned no tree');
    if (cache) cache.set(variantKey, { text, tree });
    return tree;
  }

  /** Drops the trees kept for a document (on close). */
  forget(documentKey: string): void {
    for (const cached of this.trees.get(documentKey)?.values() ?? []) cached.tree.delete();
    this.trees.delete(documentKey);
  }

  check(text: string, options: CheckOptions): CheckResult {
    const targets = [...options.targets];
    const severities = { ...DEFAULT_SEVERITIES, ...options.severities };
    const pre = preprocess(text, options.fileName, this.environments(targets), options.resolveInclude);
    const lines = text.split('\n');

    // Group targets whose compiled lines are the same; each group is parsed once.
    const variants = new Map<string, { targets: number[]; states: Uint8Array }>();
    targets.forEach((image, t) => {
      const states = pre.lineStates[t];
      let key = '';
      for (let i = 0; i < states.length; i++) key += states[i] === LineState.Inactive ? '0' : '1';
      const existing = variants.get(key);
      if (existing) existing.targets.push(t);
      else variants.set(key, { targets: [t], states });
    });

    // Per usage: the targets that compile its line, and the assigned function's signature as
    // each of those targets sees it (a guarded prototype differs between variants).
    const judged = new Map<string, { usage: MemberUsage; targets: Set<number>; signatures: Map<number, FunctionSignature> }>();
    const mentions = new Map<number, AggregateMention>();
    const oracle = this.oracle(targets);

    for (const [key, variant] of variants) {
      const variantText = lines
        .map((line, i) => (pre.directiveLines[i] || variant.states[i] === LineState.Inactive ? blankLine(line) : line))
        .join('\n');
      const tree = this.parse(variantText, options.documentKey, key);
      let found: FileUsages;
      try {
        found = findUsages(tree, oracle);
      } finally {
        if (!options.documentKey) tree.delete();
      }
      for (const mention of found.mentions) if (!mentions.has(mention.range.startIndex)) mentions.set(mention.range.startIndex, mention);
      for (const usage of found.usages) {
        const id = `${usage.range.startIndex}:${usage.aggregate.kind}:${usage.aggregate.name}:${usage.member}`;
        let entry = judged.get(id);
        if (!entry) judged.set(id, (entry = { usage, targets: new Set(), signatures: new Map() }));
        const signature = usage.assignedFunction ? found.functions.get(usage.assignedFunction) : undefined;
        for (const t of variant.targets) {
          // Judge only where the line is certainly compiled: a guess must never produce a warning.
          if (pre.lineStates[t][usage.range.startLine] !== LineState.Active) continue;
          entry.targets.add(t);
          if (signature) entry.signatures.set(targets[t], signature);
        }
      }
    }

    const findings: Finding[] = [];
    const usages: JudgedUsage[] = [];
    const absentAggregates = new Map<string, { ref: AggregateRef; range: SourceRange; targets: Set<number> }>();
    const ordered = [...judged.values()].sort((a, b) => a.usage.range.startIndex - b.usage.range.startIndex);

    for (const { usage, targets: targetSlots, signatures } of ordered) {
      const images = [...targetSlots].sort((a, b) => a - b).map((t) => targets[t]);
      usages.push({ usage, targets: images });
      const history = this.db.memberHistory(usage.aggregate, usage.member);
      const missing: number[] = [];
      const noAggregate: number[] = [];
      for (const image of images) {
        const state = history[image];
        if (state.state === 'absent') missing.push(image);
        else if (state.state === 'no-aggregate') noAggregate.push(image);
      }
      if (noAggregate.length > 0) {
        const key = `${usage.aggregate.kind} ${usage.aggregate.name}`;
        let entry = absentAggregates.get(key);
        if (!entry) {
          absentAggregates.set(key, (entry = { ref: usage.aggregate, range: usage.range, targets: new Set() }));
        }
        for (const image of noAggregate) entry.targets.add(image);
      }
      if (missing.length > 0) {
        findings.push({
          code: Codes.missingMember,
          severity: severities[Codes.missingMember],
          message: this.missingMessage(usage.aggregate, usage.member, missing, targets, history),
          range: usage.range,
          aggregate: usage.aggregate,
          member: usage.member,
          targets: missing,
        });
      }
      if (signatures.size > 0) findings.push(...this.signatureFindings(usage, signatures, history, targets, severities));
    }

    for (const { ref, range, targets: images } of absentAggregates.values()) {
      const sorted = [...images].sort((a, b) => a - b);
      findings.push({
        code: Codes.aggregateNotInImage,
        severity: severities[Codes.aggregateNotInImage],
        message: this.notInImageMessage(ref, sorted, targets),
        range,
        aggregate: ref,
        targets: sorted,
      });
    }

    for (const problem of pre.problems) {
      const line = lines[problem.line] ?? '';
      findings.push({
        code: Codes.preprocessor,
        severity: severities[Codes.preprocessor],
        message: `${problem.message}; code after it is judged as possibly compiled for every target`,
        range: { startLine: problem.line, startColumn: 0, endLine: problem.line, endColumn: line.length, startIndex: 0, endIndex: 0 },
        targets: [],
      });
    }

    const kept = findings.filter((f) => !this.isIgnored(lines, f.range.startLine));
    kept.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn || a.code.localeCompare(b.code));
    return { findings: kept, usages, mentions: [...mentions.values()].sort((a, b) => a.range.startIndex - b.range.startIndex), variants: variants.size };
  }

  private notInImageMessage(ref: AggregateRef, missing: number[], targets: number[]): string {
    const images = this.db.images;
    const definitions = this.db.definitions(ref);
    const firstPresent = images.findIndex((image, index) => image.group === 'version' && definitions[index] !== null);
    const onlyOlder = firstPresent >= 0 && missing.every((index) => images[index].group === 'version' && index < firstPresent);
    const why = onlyOlder
      ? `it may be a module, configured off, or newer than those kernels: the data first has it in ${images[firstPresent].label}`
      : 'it may be built as a module or configured off there';
    return `${ref.kind} ${ref.name} is not in the vmlinux BTF of ${describeImages(images, missing, targets)} (${why}), so its members are not checked on those kernels`;
  }

  private isIgnored(lines: string[], line: number): boolean {
    return (lines[line] ?? '').includes(IGNORE_MARK) || (line > 0 && (lines[line - 1] ?? '').includes(IGNORE_MARK));
  }

  private missingMessage(ref: AggregateRef, member: string, missing: number[], targets: number[], history: MemberState[]): string {
    const images = this.db.images;
    let message = `\`${member}\` is not in ${ref.kind} ${ref.name} on ${describeImages(images, missing, targets)}`;
    const versionOrder = images.map((image, index) => ({ image, index })).filter((x) => x.image.group === 'version');
    const missingVersions = versionOrder.filter((x) => missing.includes(x.index));
    if (missingVersions.length === 0) return message;
    const lastMissing = missingVersions[missingVersions.length - 1].index;
    const firstMissing = missingVersions[0].index;
    const presentAfter = versionOrder.find((x) => x.index > lastMissing && history[x.index].state === 'present');
    const presentBefore = [...versionOrder].reverse().find((x) => x.index < firstMissing && history[x.index].state === 'present');
    if (presentBefore) {
      const successor = findSuccessor(this.db, ref, member);
      if (successor) return `${message}: replaced by \`${successor.member.name}\` in ${images[successor.image].label}`;
      const removedAt = versionOrder.find((x) => x.index > presentBefore.index && history[x.index].state !== 'present');
      if (removedAt) message += `: removed in ${removedAt.image.label}`;
    } else if (presentAfter) {
      message += `: added in ${presentAfter.image.label}`;
    }
    return message;
  }

  private signatureFindings(
    usage: MemberUsage,
    signatures: Map<number, FunctionSignature>,
    history: MemberState[],
    targets: number[],
    severities: Record<Code, Severity>,
  ): Finding[] {
    // Compare per target, then merge targets that fail the same way into one finding.
    const mismatched = new Map<string, { images: number[]; type: string; why: string; signature: FunctionSignature }>();
    for (const [image, signature] of signatures) {
      const state = history[image];
      if (state.state !== 'present') continue;
      const verdictKey = `${signature.returnType}\u0000${signature.parameterTypes.join('\u0001')}\u0000${state.member.type}`;
      let why: string | undefined;
      if (this.signatureVerdicts.has(verdictKey)) why = this.signatureVerdicts.get(verdictKey);
      else {
        const expected = functionPointerShape(state.member.type);
        why = expected ? signatureMismatch({ returnType: signature.returnType, parameterTypes: signature.parameterTypes }, expected) : undefined;
        this.signatureVerdicts.set(verdictKey, why);
      }
      if (!why) continue;
      const type = formatFunctionType(functionPointerShape(state.member.type)!);
      const key = `${signature.name}\u0000${type}\u0000${why}`;
      const entry = mismatched.get(key) ?? { images: [], type, why, signature };
      entry.images.push(image);
      mismatched.set(key, entry);
    }
    const findings: Finding[] = [];
    for (const m of mismatched.values()) {
      const signature = m.signature;
      findings.push({
        code: Codes.callbackSignature,
        severity: severities[Codes.callbackSignature],
        message:
          `\`${signature.name}\` does not fit \`.${usage.member}\` of ${usage.aggregate.kind} ${usage.aggregate.name} on ` +
          `${describeImages(this.db.images, m.images, targets)}: ${m.why}; the member there is ${m.type}`,
        range: usage.range,
        aggregate: usage.aggregate,
        member: usage.member,
        targets: m.images.sort((a, b) => a - b),
      });
    }
    return findings;
  }
}
