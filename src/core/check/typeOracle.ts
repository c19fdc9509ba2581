// The checker's answers to the usage finder's questions about types: is this struct the
// kernel's, what type does a member or typedef have. The driver's own definitions (any file of
// its workspace) win over the kernel's; a kernel member's type is read on the targets.
import type { KernelDatabase } from '../kernels/database';
import type { WorkspaceTypes } from '../c/workspaceTypes';
import { parseTypeText, type TypeOracle } from '../c/usages';

export function typeOracle(db: KernelDatabase, targets: readonly number[], workspace: WorkspaceTypes | undefined, fileName: string): TypeOracle {
  const newestFirst = [...targets].reverse();
  return {
    // A name the driver defines in another file is the driver's (defined only under #if,
    // it may be either: then it is neither judged nor typed through).
    isKernelAggregate: (ref) => !workspace?.aggregate(ref, fileName) && db.knows(ref),
    typedefType: (name) => {
      const type = workspace?.typedef(name, fileName);
      return type === 'conditional' ? undefined : type;
    },
    memberType: (ref, member) => {
      const own = workspace?.aggregate(ref, fileName);
      if (own) return own === 'conditional' ? undefined : own.get(member);
      return kernelMemberType(db, newestFirst, ref, member);
    },
  };
}

/**
 * The newest targeted image's type of the member, as long as the targets that have it agree
 * on the struct it is (`i_ctime` was a `struct timespec` before 4.18): members of it are
 * otherwise judged against a struct some targets do not use there. Without a targeted image
 * that has it, the newest image that does.
 */
function kernelMemberType(db: KernelDatabase, newestFirst: readonly number[], ref: Parameters<KernelDatabase['memberHistory']>[0], member: string): string | undefined {
  const history = db.memberHistory(ref, member);
  let newest: string | undefined;
  for (const image of newestFirst) {
    const state = history[image];
    if (state.state !== 'present') continue;
    if (newest === undefined) newest = state.member.type;
    else if (state.member.type !== newest && aggregateTagOf(state.member.type) !== aggregateTagOf(newest)) return undefined;
  }
  if (newest !== undefined) return newest;
  for (let image = history.length - 1; image >= 0; image--) {
    const state = history[image];
    if (state.state === 'present') return state.member.type;
  }
  return undefined;
}

/** `struct timespec64` of `struct timespec64 *` or `const struct timespec64`; '' for other types (function pointers included). */
function aggregateTagOf(type: string): string {
  const parsed = parseTypeText(type);
  return parsed ? `${parsed.kind} ${parsed.name}` : '';
}
