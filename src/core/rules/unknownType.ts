// Rule `unknown-type`: a kernel typedef named as the type of a declaration (`blk_opf_t opf`, new
// in 6.0; `mm_segment_t old_fs`, gone in 5.18; `blk_mode_t mode`, new in 6.5; `make_request_fn
// *orig`, an older kernel's, which no Debian kernel's headers spell) on a targeted kernel none
// of whose headers define a typedef of that name, nor spell the name at all: gcc stops at the
// declaration ("unknown type name"). Judged only on kernels whose headers were read (the Debian
// ones), on certainly compiled lines, in `.c` files whose includes were all followed and whose
// build flags were all read; a name the driver defines or declares (its macros, typedefs, `-D`
// flags, any workspace header the file reads spelling it, another workspace file's typedef) is
// its own and never judged.
import { describeImages } from '../kernels/history';
import { lineRange, type Finding } from '../check/findings';
import type { TypedefUse } from '../c/typedefUses';
import type { RuleContext, RuleInfo } from './rule';

export const unknownTypeRule = {
  code: 'unknown-type',
  name: 'UnknownType',
  severity: 'warning',
  description: "A kernel typedef used as a declaration's type where some targeted kernels' headers define no typedef of that name: the declaration does not compile there.",
} as const satisfies RuleInfo;

export interface UnknownTypeInput {
  /** The file's declarations typed by candidate typedefs (typedefUses.ts), the driver's own names left out. */
  uses: readonly TypedefUse[];
  /** Whether the target in `slot` certainly compiles the line (and builds the file). */
  compiled: (slot: number, line: number) => boolean;
}

export function unknownTypeFindings(context: RuleContext, input: UnknownTypeInput): Finding[] {
  const headers = context.db.headers();
  const findings: Finding[] = [];
  const lackingOn = new Map(input.uses.map((use) => [use, context.targets.filter((image, slot) => headers.definesTypedef(use.name, image) === false && input.compiled(slot, use.line))]));
  // Per function, the kernels on which a parameter's type is unknown: gcc drops the function there and reads nothing of its body.
  const droppedFunctions = new Map<number, Set<number>>();
  for (const use of input.uses) {
    if (!use.block?.parameter) continue;
    const dropped = droppedFunctions.get(use.block.open) ?? new Set<number>();
    for (const image of lackingOn.get(use)!) dropped.add(image);
    droppedFunctions.set(use.block.open, dropped);
  }
  for (const use of input.uses) {
    const dropped = use.block && !use.block.parameter ? droppedFunctions.get(use.block.open) : undefined;
    const lacking = lackingOn.get(use)!.filter((image) => !dropped?.has(image));
    if (lacking.length === 0) continue;
    const having = context.targets.filter((image) => headers.definesTypedef(use.name, image) === true);
    const where = [...new Set(having.flatMap((image) => headers.typedefHeaders(use.name, image) ?? []))].sort();
    const elsewhere =
      having.length > 0
        ? `; ${describeImages(context.db.images, having, context.targets)} define${having.length === 1 ? 's' : ''} it in ${where.map((header) => `<${header}>`).join(', ')}`
        : headers.isRetiredTypedef(use.name)
          ? '; older kernels declared functions with it, and no kernel with header data makes it a type'
          : '';
    findings.push({
      code: unknownTypeRule.code,
      severity: context.severities[unknownTypeRule.code],
      message: `\`${use.name}\` is a type no kernel header of ${describeImages(context.db.images, lacking, context.targets)} defines, so the declaration does not compile there (gcc: unknown type name)${elsewhere}`,
      range: lineRange(use.line, use.startColumn, use.startColumn + use.name.length),
      targets: lacking,
    });
  }
  return findings;
}
