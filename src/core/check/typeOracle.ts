// The checker's answers to the usage finder's questions about types: is this struct the
// kernel's, what type does a member or typedef have. The driver's own definitions (any file of
// its workspace) win over the kernel's; a kernel member's type is read on the targets.
//
// A definition the driver compiles only for some kernels (a compat backport of a struct under
// `#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)`) leaves the kernel's struct in charge on
// the others: code naming it is judged there (`kernelsOn`), and nowhere else.
import type { AggregateKind, AggregateRef, KernelDatabase } from '../kernels/database';
import type { KernelEnvironment } from '../c/preprocessor';
import type { WorkspaceTypes } from '../c/workspaceTypes';
import type { TypeOracle } from '../c/usages';
import { parseTypeText } from '../c/typeText';

export interface CheckTypeOracle extends TypeOracle {
  /** Whether code naming `ref` means the kernel's struct on the target in `slot`: no definition of the driver's may be compiled there. */
  kernelsOn(ref: AggregateRef, slot: number): boolean;
  /** A member's type in the driver's own definition of the struct in another of its files, where it has one on every target (not under `#if`). */
  driverMemberType(ref: AggregateRef, member: string): string | undefined;
}

/** The driver's definition of a struct: its members' types, 'conditional' (compiled only under #if), or undefined (none: the kernel's). */
type OwnDefinition = ReadonlyMap<string, string> | 'conditional' | undefined;

/** What the driver's headers the file reads define, where the workspace index knows nothing of it: a struct of the driver's, members unknown. */
const READ_HEADER_ONLY: ReadonlyMap<string, string> = new Map();

/**
 * `definedInReadHeader`: whether one of the driver's headers the preprocessor read for the file
 * defines the struct. Such a struct is the driver's even where the workspace index never read
 * that header (a kernel tree past the index's file limit: drivers/usb/gadget's `struct
 * uvc_device` of uvc.h is not the uvcvideo module's).
 */
export function typeOracle(
  db: KernelDatabase,
  targets: readonly number[],
  environments: readonly KernelEnvironment[],
  workspace: WorkspaceTypes | undefined,
  fileName: string,
  readPaths: ReadonlySet<string> = new Set(),
  definedInReadHeader: (ref: AggregateRef) => boolean = () => false,
): CheckTypeOracle {
  // Asked once per usage and target slot, about a few dozen names: each is answered once.
  const ownByName: Record<AggregateKind, Map<string, OwnDefinition>> = { struct: new Map(), union: new Map(), enum: new Map() };
  const driversOwn = (ref: AggregateRef): OwnDefinition => {
    const known = ownByName[ref.kind];
    if (known.has(ref.name)) return known.get(ref.name);
    let own = workspace?.aggregate(ref, fileName, readPaths);
    if (own === undefined && definedInReadHeader(ref)) own = READ_HEADER_ONLY;
    known.set(ref.name, own);
    return own;
  };
  const newestFirst = [...targets].reverse();
  const environmentsKey = targets.join(',');
  const driverMayDefine = new Map<string, readonly boolean[] | undefined>();
  /** Per target slot, for a name the workspace defines only under #if: whether the driver's definition may be compiled there. */
  const conditionalOn = (ref: AggregateRef) => {
    const key = `${ref.kind} ${ref.name}`;
    if (!driverMayDefine.has(key)) driverMayDefine.set(key, workspace?.conditionalAggregateOn(ref, fileName, environments, environmentsKey));
    return driverMayDefine.get(key);
  };
  return {
    // A name the driver defines in another file is the driver's; defined only under #if, it
    // is the kernel's where no target may compile the driver's definition.
    isKernelAggregate: (ref) => {
      const own = driversOwn(ref);
      if (own === undefined) return db.knows(ref);
      return own === 'conditional' && db.knows(ref) && (conditionalOn(ref)?.some((mayBe) => !mayBe) ?? false);
    },
    typedefType: (name) => {
      const type = workspace?.typedef(name, fileName);
      return type === 'conditional' ? undefined : type;
    },
    // Through a conditional definition, only where every target has the kernel's struct.
    memberType: (ref, member) => {
      const own = driversOwn(ref);
      if (own === undefined || (own === 'conditional' && conditionalOn(ref)?.every((mayBe) => !mayBe))) return kernelMemberType(db, newestFirst, ref, member);
      return own === 'conditional' ? undefined : own.get(member);
    },
    driverMemberType: (ref, member) => {
      const own = driversOwn(ref);
      return own === undefined || own === 'conditional' ? undefined : own.get(member);
    },
    kernelsOn: (ref, slot) => {
      const own = driversOwn(ref);
      if (own === undefined) return true;
      return own === 'conditional' && conditionalOn(ref)?.[slot] === false;
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
