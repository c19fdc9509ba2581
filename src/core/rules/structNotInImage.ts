// Rule `struct-not-in-image`: structs the file uses that some targeted kernels' data lacks
// (not in an Ubuntu image's vmlinux BTF, or in no module of a Debian kernel). Their members
// are not judged there; one note per file says so, at the first one's first use: on a DRM
// driver that is dozens of structs, and one note says it.
import type { AggregateRef, KernelDatabase } from '../kernels/database';
import { withModules } from '../kernels/imageWords';
import { describeImages } from '../kernels/history';
import type { Finding } from '../check/findings';
import type { SourceRange } from '../c/usages';
import type { MemberUse, RuleContext, RuleInfo } from './rule';

export const structNotInImageRule = {
  code: 'struct-not-in-image',
  name: 'StructNotInImage',
  severity: 'information',
  description: "Structs the file uses are not in some targeted kernels' data (not in an Ubuntu image's vmlinux BTF, or in no module of a Debian kernel).",
} as const satisfies RuleInfo;

interface AbsentStruct {
  ref: AggregateRef;
  range: SourceRange;
  targets: Set<number>;
}

/** Collects the uses of structs some judged image lacks, then gives the file's one note. */
export class StructsNotInImages {
  private readonly absent = new Map<string, AbsentStruct>();

  add(use: MemberUse): void {
    const lacking = use.images.filter((image) => use.history[image].state === 'no-aggregate');
    if (lacking.length === 0) return;
    const key = `${use.usage.aggregate.kind} ${use.usage.aggregate.name}`;
    let entry = this.absent.get(key);
    if (!entry) this.absent.set(key, (entry = { ref: use.usage.aggregate, range: use.usage.range, targets: new Set() }));
    for (const image of lacking) entry.targets.add(image);
  }

  note(context: RuleContext): Finding | undefined {
    const absent = [...this.absent.values()];
    if (absent.length === 0) return undefined;
    const { db, targets } = context;
    const sortedOf = (images: Set<number>) => [...images].sort((a, b) => a - b);
    const first = [...absent].sort((a, b) => a.range.startIndex - b.range.startIndex)[0];
    const all = sortedOf(new Set(absent.flatMap((entry) => [...entry.targets])));
    const message =
      absent.length === 1
        ? oneStructMessage(db, first.ref, all, targets)
        : `${absent.length} structs are not in the data of some targeted kernels, so their members are not checked there: ` +
          absent.map((entry) => `${entry.ref.kind} ${entry.ref.name} (${describeImages(db.images, sortedOf(entry.targets), targets)})`).join(', ') +
          (all.some((image) => !withModules(db.images[image]))
            ? '. Kernels known from vmlinux only may build them as modules: import such a kernel with its modules (Add Kernel from BTF) to check them'
            : '');
    const code = structNotInImageRule.code;
    return { code, severity: context.severities[code], message, range: first.range, aggregate: first.ref, targets: all };
  }
}

function oneStructMessage(db: KernelDatabase, ref: AggregateRef, missing: number[], targets: readonly number[]): string {
  const images = db.images;
  const vmlinuxOnly = missing.filter((index) => !withModules(images[index]));
  const everywhere = missing.filter((index) => withModules(images[index]));
  const parts: string[] = [];
  if (vmlinuxOnly.length > 0) parts.push(`not in the vmlinux BTF of ${describeImages(images, vmlinuxOnly, targets)} (it may be built as a module or configured off there)`);
  if (everywhere.length > 0) parts.push(`in neither vmlinux nor any module of ${describeImages(images, everywhere, targets)} (configured off, or not in that kernel)`);
  return `${ref.kind} ${ref.name} is ${parts.join(', and ')}, so its members are not checked on those kernels`;
}
