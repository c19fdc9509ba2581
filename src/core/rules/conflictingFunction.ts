// Rule `conflicting-function`: the driver declares or defines a function that a targeted
// kernel's headers, read by the file's build, already declare in a way gcc refuses. Vendor
// drivers carry their own copies of helpers that kernels later add under the same name
// (rtl8821cu's hmac_sha256, which <crypto/sha2.h> declares from 7.x): gcc then stops with
// "redefinition" (the kernel's is a static inline definition and the driver defines it too),
// "static declaration follows non-static declaration" (the kernel's is extern, the driver's
// static), or "conflicting types" (another number of parameters). Judged on the kernels with
// header data, for declarations after the file's last #include (the kernel's declaration
// comes first there), on lines certainly compiled, and for names the driver does not #define
// (a `#define hmac_sha256 rtw_hmac_sha256` renames its copy).
import type { Finding } from '../check/findings';
import { lineRange } from '../check/findings';
import { prototypeParameters } from '../c/prototypes';
import type { FunctionDeclaration } from '../kernels/headerIndex';
import { imagesOf, type RuleContext, type RuleInfo } from './rule';

export const conflictingFunctionRule = {
  code: 'conflicting-function',
  name: 'ConflictingFunction',
  severity: 'warning',
  description:
    "The driver declares or defines a function that some targeted kernels' headers, which the file includes, already declare in a way gcc refuses: a second definition of their static inline one, a static declaration after their extern one, or another number of parameters.",
} as const satisfies RuleInfo;

/** One of the driver's declarations or definitions of a function, in the file. */
export interface DriverFunctionDeclaration {
  name: string;
  line: number;
  column: number;
  isStatic: boolean;
  isDefinition: boolean;
  /** How many parameters it takes; undefined where that does not fix its type (`()`, `...`). */
  parameters: number | undefined;
}

export interface ConflictingFunctionInput {
  declarations: readonly DriverFunctionDeclaration[];
  compiled: (slot: number, line: number) => boolean;
  /** Whether the driver #defines the name on the target in `slot` (`#define hmac_sha256 rtw_hmac_sha256` renames its copy). */
  definedAsMacro: (name: string, slot: number) => boolean;
  /** The kernel headers the file's build reads on the target in `slot`; undefined where not known. */
  includeClosure: (slot: number) => ReadonlySet<string> | undefined;
}

type Clash = 'redefinition' | 'static' | 'parameters';

export function conflictingFunctionFindings(context: RuleContext, input: ConflictingFunctionInput): Finding[] {
  const headers = context.db.headers();
  const findings: Finding[] = [];
  for (const declaration of input.declarations) {
    if (!headers.isFunction(declaration.name)) continue;
    const failing: { image: number; clash: Clash; header: string; kernel: FunctionDeclaration }[] = [];
    context.targets.forEach((image, slot) => {
      if (!input.compiled(slot, declaration.line) || input.definedAsMacro(declaration.name, slot) || (headers.macros(declaration.name, image)?.length ?? 1) > 0) return;
      const kernel = headers.functions(declaration.name, image);
      const closure = input.includeClosure(slot);
      const header = closure && headers.declaringHeaders(declaration.name, image)?.find((name) => closure.has(name));
      if (!kernel || kernel.length === 0 || !header) return;
      const clash = clashOf(declaration, kernel);
      if (clash) failing.push({ image, clash, header, kernel: kernel[0] });
    });
    if (failing.length === 0) continue;
    const newest = failing[failing.length - 1];
    const targets = failing.map(({ image }) => image);
    findings.push({
      code: conflictingFunctionRule.code,
      severity: context.severities[conflictingFunctionRule.code],
      message: `\`${declaration.name}\` is also declared by <${newest.header}> on ${imagesOf(context, targets)} (\`${newest.kernel.prototype}\`${newest.kernel.inline ? ', a static inline definition' : ''}), which this file's build reads first: ${CLASH_TEXT[newest.clash]}, and the build stops there`,
      range: lineRange(declaration.line, declaration.column, declaration.column + declaration.name.length),
      targets,
    });
  }
  return findings;
}

const CLASH_TEXT: Record<Clash, string> = {
  redefinition: 'gcc reports a redefinition here',
  static: 'gcc refuses a static declaration after that non-static one',
  parameters: 'gcc reports conflicting types here (another number of parameters)',
};

/** How gcc refuses the driver's declaration after the kernel's, where every declaration of the kernel agrees; undefined where it does not. */
function clashOf(declaration: DriverFunctionDeclaration, kernel: readonly FunctionDeclaration[]): Clash | undefined {
  const inline = kernel.every((each) => each.inline);
  const extern = kernel.every((each) => !each.inline);
  if (declaration.isDefinition && inline) return 'redefinition';
  if (declaration.isStatic && extern) return 'static';
  const counts = new Set(kernel.map((each) => prototypeParameters(each.prototype, declaration.name) ?? null).map((parameters) => (parameters && !parameters.variadic ? parameters.types.length : -1)));
  if (declaration.parameters === undefined || counts.size !== 1 || counts.has(-1)) return undefined;
  return counts.has(declaration.parameters) ? undefined : 'parameters';
}

