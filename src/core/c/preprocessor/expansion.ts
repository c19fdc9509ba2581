// Macro expansion of a condition over a group of environments that agree on every macro it
// touches.
import { isPunctuator, LeafKind, leafToken, ONE_TOKEN, tokenize, TokenKind, unknownToken, ZERO_TOKEN, type Token } from './tokens';
import { CONFIG_TESTS, ConfigTest, ExpressionError, isBuiltinName, isConfigName, isFailure, isPaste, KERNEL_VERSION_MACRO, MacroState, MacroTables, NonUniformMacro, VERSION_MACROS, type Failure, type MacroDef } from './macroTables';

/** Nested macro-argument pre-expansions (each one recurses). */
const MAX_EXPANSION_NESTING = 64;

export interface ExpansionContext {
  readonly macros: MacroTables;
  /** Environments that agree on every macro looked at so far. */
  readonly group: readonly number[];
  stepsLeft: number;
  /**
   * Whether an identifier nothing seen defines is a name the kernel's headers define on some
   * kernels only, to be decided per kernel (see LeafKind.KernelName); absent, it stays unknown.
   */
  readonly kernelName?: (name: string) => boolean;
  /**
   * `__has_include` of a header: 1 where the including file's search finds it in the workspace,
   * else a per-kernel leaf (LeafKind.KernelHeader); absent, the test stays unknown.
   */
  readonly hasInclude?: (spec: string, quoted: boolean) => Token;
}

export const EXPANSION_LIMIT_MESSAGE = 'macro expansion too long; condition left undecided';

export function mergeHiddenNames(existing: readonly string[] | undefined, added: readonly string[]): readonly string[] {
  if (existing === undefined || existing === added) return added;
  const missing = added.filter((name) => !existing.includes(name));
  return missing.length === 0 ? existing : [...existing, ...missing];
}

export function pushAll(target: Token[], tokens: readonly Token[]): void {
  for (const token of tokens) target.push(token);
}

/**
 * Macro-expands `input` the way #if does, for every environment of the group at once.
 * Identifiers that are not expanded are left as identifiers (see classifyIdentifiers).
 */
export function expandTokens(input: readonly Token[], cx: ExpansionContext, nesting: number): Token[] | Failure {
  if (nesting > MAX_EXPANSION_NESTING) return new ExpressionError(EXPANSION_LIMIT_MESSAGE);
  // Tokens still to read, last one first, so a macro's replacement is simply pushed back
  // and rescanned together with the rest of the input.
  const pending: Token[] = [];
  for (let i = input.length - 1; i >= 0; i--) pending.push(input[i]);
  const out: Token[] = [];
  while (pending.length > 0) {
    if (--cx.stepsLeft < 0) return new ExpressionError(EXPANSION_LIMIT_MESSAGE);
    const token = pending.pop()!;
    if (token.kind !== TokenKind.Identifier) {
      out.push(token);
      continue;
    }
    const name = token.text;
    if (name === 'defined') {
      const result = definedOperator(pending, cx);
      if (isFailure(result)) return result;
      out.push(result);
      continue;
    }
    if (token.hiddenNames !== undefined && token.hiddenNames.includes(name)) {
      out.push(token);
      continue;
    }
    if ((name === '__has_include' || name === '__has_include_next') && isPunctuator(pending[pending.length - 1], '(')) {
      const result = hasIncludeOperator(name, pending, cx);
      if (isFailure(result)) return result;
      out.push(result);
      continue;
    }
    const entry = cx.macros.uniform(name, cx.group);
    if (entry instanceof NonUniformMacro) return entry;
    if (entry !== undefined) {
      if (entry.state === MacroState.Defined) {
        const replaced = expandInvocation(entry, token, pending, cx, nesting);
        if (replaced === null) out.push(token);
        else if (Array.isArray(replaced)) for (let i = replaced.length - 1; i >= 0; i--) pending.push(replaced[i]);
        else return replaced;
      } else {
        out.push(token);
      }
      continue;
    }
    // Not touched by the file: kernel built-ins and config symbols.
    const versionLeaf = VERSION_MACROS.get(name);
    if (versionLeaf !== undefined) {
      out.push(leafToken(versionLeaf, name));
      continue;
    }
    if (name === 'KERNEL_VERSION') {
      const replaced = expandInvocation(KERNEL_VERSION_MACRO, token, pending, cx, nesting);
      if (replaced === null) out.push(token);
      else if (Array.isArray(replaced)) for (let i = replaced.length - 1; i >= 0; i--) pending.push(replaced[i]);
      else return replaced;
      continue;
    }
    const test = CONFIG_TESTS.get(name);
    if (test !== undefined) {
      if (!isPunctuator(pending[pending.length - 1], '(')) {
        out.push(token);
        continue;
      }
      const args = collectArguments(pending, name);
      if (args instanceof ExpressionError) return args;
      if (args.length !== 1 || args[0].length === 0) return new ExpressionError(`${name}() takes exactly one argument`);
      const result = configTestTokens(test, args[0], cx, nesting);
      if (!Array.isArray(result)) return result;
      pushAll(out, result);
      continue;
    }
    if (isConfigName(name)) {
      out.push(leafToken(LeafKind.ConfigValue, name));
      continue;
    }
    out.push(token);
  }
  return out;
}

/** Handles `defined X` / `defined(X)` (the operand is never expanded). */
export function definedOperator(pending: Token[], cx: ExpansionContext): Token | Failure {
  let operand = pending.pop();
  const parenthesized = isPunctuator(operand, '(');
  if (parenthesized) operand = pending.pop();
  if (operand === undefined || (operand.kind !== TokenKind.Identifier && operand.kind !== TokenKind.Leaf)) {
    return new ExpressionError('operator "defined" requires an identifier');
  }
  if (parenthesized && !isPunctuator(pending.pop(), ')')) return new ExpressionError('missing ")" after "defined"');
  // A config symbol that an argument pre-expansion already turned into a leaf.
  if (operand.kind === TokenKind.Leaf) {
    return operand.leaf === LeafKind.ConfigValue
      ? leafToken(LeafKind.ConfigDefined, operand.text)
      : new ExpressionError('operator "defined" requires an identifier');
  }
  const name = operand.text;
  const entry = cx.macros.uniform(name, cx.group);
  if (entry instanceof NonUniformMacro) return entry;
  if (entry !== undefined) {
    if (entry.state === MacroState.Defined || entry.state === MacroState.DefinedUnknownValue) return ONE_TOKEN;
    return entry.state === MacroState.Undefined ? ZERO_TOKEN : unknownToken(name);
  }
  if (isBuiltinName(name)) return ONE_TOKEN;
  if (isConfigName(name)) return leafToken(LeafKind.ConfigDefined, name);
  return cx.kernelName?.(name) ? leafToken(LeafKind.KernelName, name) : unknownToken(name);
}

/**
 * Handles `__has_include(<a/b.h>)` / `__has_include("b.h")` (the operand is never expanded).
 * `__has_include_next` searches from the folder after the current file's, which is not modelled.
 */
function hasIncludeOperator(name: string, pending: Token[], cx: ExpansionContext): Token | Failure {
  pending.pop();
  const first = pending.pop();
  let spec: string | undefined;
  let quoted = false;
  if (first?.kind === TokenKind.StringLiteral) {
    spec = first.text.slice(1, -1);
    quoted = true;
  } else if (isPunctuator(first, '<')) {
    const parts: string[] = [];
    for (let token = pending.pop(); !isPunctuator(token, '>'); token = pending.pop()) {
      if (token === undefined || isPunctuator(token, ')')) return new ExpressionError(`missing '>' in "${name}"`);
      parts.push(token.text);
    }
    spec = parts.join('');
  } else if (first !== undefined && !isPunctuator(first, ')')) {
    // A macro that names the header (`__has_include(COMPAT_HEADER)`): gcc expands it; left unknown.
    let depth = 0;
    for (let token: Token | undefined = first; token !== undefined; token = pending.pop()) {
      if (isPunctuator(token, '(')) depth++;
      else if (isPunctuator(token, ')') && depth-- === 0) return unknownToken(name);
    }
    return new ExpressionError(`missing ')' after "${name}"`);
  }
  if (spec === undefined || !isPunctuator(pending.pop(), ')')) return new ExpressionError(`operator "${name}" requires a header name`);
  if (name === '__has_include_next' || !cx.hasInclude || spec === '') return unknownToken(name);
  return cx.hasInclude(spec, quoted);
}

/** Reads `( a, b, ... )` off the pending stack; the '(' is on top. */
export function collectArguments(pending: Token[], macroName: string): Token[][] | ExpressionError {
  pending.pop();
  const args: Token[][] = [[]];
  let depth = 0;
  for (;;) {
    const token = pending.pop();
    if (token === undefined) return new ExpressionError(`unterminated argument list invoking macro "${macroName}"`);
    if (token.kind === TokenKind.Punctuator) {
      if (token.text === '(') depth++;
      else if (token.text === ')') {
        if (depth === 0) return args;
        depth--;
      } else if (token.text === ',' && depth === 0) {
        args.push([]);
        continue;
      }
    }
    args[args.length - 1].push(token);
  }
}

export function matchArguments(macro: MacroDef, args: Token[][]): Token[][] | ExpressionError {
  const params = macro.params!;
  if (params.length === 0) {
    if (args.length === 1 && args[0].length === 0) return [];
    return new ExpressionError(`macro "${macro.name}" takes no arguments`);
  }
  if (macro.variadic) {
    const fixed = params.length - 1;
    if (args.length < fixed) {
      return new ExpressionError(`macro "${macro.name}" requires at least ${fixed} arguments, but only ${args.length} given`);
    }
    if (args.length === fixed) return [...args, []];
    const rest: Token[] = [];
    for (let i = fixed; i < args.length; i++) {
      if (i > fixed) rest.push({ kind: TokenKind.Punctuator, text: ',', spaceBefore: false });
      pushAll(rest, args[i]);
    }
    return [...args.slice(0, fixed), rest];
  }
  if (args.length !== params.length) {
    return new ExpressionError(`macro "${macro.name}" requires ${params.length} arguments, but ${args.length} given`);
  }
  return args;
}

/**
 * The replacement of one macro use, ready to be rescanned; null when a function-like macro
 * is not followed by '(' (then it is just an identifier).
 */
export function expandInvocation(
  macro: MacroDef,
  nameToken: Token,
  pending: Token[],
  cx: ExpansionContext,
  nesting: number,
): Token[] | null | Failure {
  let args: Token[][] | null = null;
  if (macro.params !== null) {
    if (!isPunctuator(pending[pending.length - 1], '(')) return null;
    const collected = collectArguments(pending, macro.name);
    if (collected instanceof ExpressionError) return collected;
    const matched = matchArguments(macro, collected);
    if (matched instanceof ExpressionError) return matched;
    args = matched;
  }
  const replacement = substituteBody(macro, args, cx, nesting);
  if (!Array.isArray(replacement)) return replacement;
  cx.stepsLeft -= replacement.length;
  if (cx.stepsLeft < 0) return new ExpressionError(EXPANSION_LIMIT_MESSAGE);
  // Every identifier of the replacement remembers it came out of this macro, which is what
  // stops `#define X X+1` from recursing forever.
  const hidden = mergeHiddenNames(nameToken.hiddenNames, [macro.name]);
  return replacement.map((token) =>
    token.kind === TokenKind.Identifier ? { ...token, hiddenNames: mergeHiddenNames(token.hiddenNames, hidden) } : token,
  );
}

export function parameterIndex(macro: MacroDef, args: Token[][] | null, token: Token): number {
  return args !== null && token.kind === TokenKind.Identifier ? macro.params!.indexOf(token.text) : -1;
}

/** Replaces parameters by arguments and applies # and ##. */
export function substituteBody(macro: MacroDef, args: Token[][] | null, cx: ExpansionContext, nesting: number): Token[] | Failure {
  const body = macro.body;
  const out: Token[] = [];
  const expandedArgs: (Token[] | undefined)[] = [];
  // The left operand of a pending ## produced no tokens (an empty argument).
  let leftIsEmpty = false;
  for (let i = 0; i < body.length; i++) {
    const token = body[i];
    if (isPaste(token) && i + 1 < body.length) {
      const right = body[++i];
      const rightIndex = parameterIndex(macro, args, right);
      const rightTokens = rightIndex >= 0 ? args![rightIndex] : [right];
      if (leftIsEmpty || out.length === 0) {
        pushAll(out, rightTokens);
      } else if (rightTokens.length > 0) {
        out.push(pasteTokens(out.pop()!, rightTokens[0]));
        for (let k = 1; k < rightTokens.length; k++) out.push(rightTokens[k]);
      }
      leftIsEmpty = leftIsEmpty && rightTokens.length === 0;
      continue;
    }
    if (args !== null && isPunctuator(token, '#') && i + 1 < body.length) {
      const stringified = parameterIndex(macro, args, body[i + 1]);
      if (stringified >= 0) {
        out.push(stringifyTokens(args[stringified]));
        i++;
        leftIsEmpty = false;
        continue;
      }
    }
    const index = parameterIndex(macro, args, token);
    if (index < 0) {
      out.push(token);
      leftIsEmpty = false;
      continue;
    }
    if (isPaste(body[i + 1])) {
      // Operands of ## are used as written, not macro-expanded.
      pushAll(out, args![index]);
      leftIsEmpty = args![index].length === 0;
      continue;
    }
    let expanded = expandedArgs[index];
    if (expanded === undefined) {
      const result = expandTokens(args![index], cx, nesting + 1);
      if (!Array.isArray(result)) return result;
      expanded = expandedArgs[index] = result;
    }
    pushAll(out, expanded);
    leftIsEmpty = false;
  }
  return out;
}

export function isSourceToken(token: Token): boolean {
  return token.kind <= TokenKind.Other;
}

export function pasteTokens(left: Token, right: Token): Token {
  const text = left.text + right.text;
  if (!isSourceToken(left) || !isSourceToken(right)) return unknownToken(text);
  const pasted = tokenize(text);
  // An invalid paste is an error in C; here it just makes the result unknowable.
  if (pasted.length !== 1) return unknownToken(text);
  return { kind: pasted[0].kind, text, spaceBefore: left.spaceBefore };
}

export function stringifyTokens(tokens: readonly Token[]): Token {
  const spelled = tokens
    .map((t, i) => {
      const text = t.kind === TokenKind.StringLiteral || t.kind === TokenKind.CharLiteral ? t.text.replace(/["\\]/g, '\\$&') : t.text;
      return (i > 0 && t.spaceBefore ? ' ' : '') + text;
    })
    .join('');
  return { kind: TokenKind.StringLiteral, text: `"${spelled}"`, spaceBefore: true };
}

/**
 * IS_BUILTIN/IS_MODULE/IS_ENABLED as linux/kconfig.h defines them: the option counts as
 * set when it expands to exactly `1` (IS_MODULE looks at OPTION_MODULE).
 */
export function configTestTokens(test: ConfigTest, arg: Token[], cx: ExpansionContext, nesting: number): Token[] | Failure {
  const builtin = (tokens: Token[]): Token | Failure => {
    const expanded = expandTokens(tokens, cx, nesting + 1);
    if (!Array.isArray(expanded)) return expanded;
    const classified = classifyIdentifiers(expanded, cx);
    if (!Array.isArray(classified)) return classified;
    if (classified.length === 1) {
      const only = classified[0];
      if (only.kind === TokenKind.Number && only.text === '1') return ONE_TOKEN;
      if (only.kind === TokenKind.Leaf && only.leaf === LeafKind.ConfigValue) return leafToken(LeafKind.ConfigIsOne, only.text);
      if (only.kind === TokenKind.Unknown) return unknownToken(only.text);
      return ZERO_TOKEN;
    }
    const unknown = classified.find((t) => t.kind === TokenKind.Unknown);
    return unknown ? unknownToken(unknown.text) : ZERO_TOKEN;
  };
  const module = (): Token | Failure => {
    // A config leaf here is CONFIG_X already pre-expanded by a wrapper macro; where it
    // expanded to 1, X_MODULE is unset anyway, so pasting onto its name gives the same answer.
    const only = arg.length === 1 ? arg[0] : undefined;
    const isName =
      only !== undefined &&
      (only.kind === TokenKind.Identifier || (only.kind === TokenKind.Leaf && only.leaf === LeafKind.ConfigValue));
    if (!isName) return unknownToken('IS_MODULE');
    return builtin([{ kind: TokenKind.Identifier, text: only.text + '_MODULE', spaceBefore: false }]);
  };
  if (test === ConfigTest.Builtin || test === ConfigTest.Module) {
    const result = test === ConfigTest.Builtin ? builtin(arg) : module();
    return isFailure(result) ? result : [result];
  }
  const isBuiltin = builtin(arg);
  if (isFailure(isBuiltin)) return isBuiltin;
  const isModule = module();
  if (isFailure(isModule)) return isModule;
  if (isBuiltin === ONE_TOKEN || isModule === ONE_TOKEN) return [ONE_TOKEN];
  if (isBuiltin === ZERO_TOKEN) return [isModule];
  if (isModule === ZERO_TOKEN) return [isBuiltin];
  return [
    { kind: TokenKind.Punctuator, text: '(', spaceBefore: true },
    isBuiltin,
    { kind: TokenKind.Punctuator, text: '||', spaceBefore: true },
    isModule,
    { kind: TokenKind.Punctuator, text: ')', spaceBefore: true },
  ];
}

/** Gives every identifier left after expansion its #if meaning: 0 when known undefined, a kernel name's leaf, else unknown. */
export function classifyIdentifiers(tokens: Token[], cx: ExpansionContext): Token[] | NonUniformMacro {
  const out: Token[] = new Array<Token>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== TokenKind.Identifier) {
      out[i] = token;
      continue;
    }
    const name = token.text;
    const entry = cx.macros.uniform(name, cx.group);
    if (entry instanceof NonUniformMacro) return entry;
    if (entry !== undefined) {
      // A defined macro still here is function-like without arguments, or self-referential.
      out[i] = entry.state === MacroState.Unknown || entry.state === MacroState.DefinedUnknownValue ? unknownToken(name) : ZERO_TOKEN;
    } else if (isBuiltinName(name)) {
      out[i] = ZERO_TOKEN;
    } else if (isConfigName(name)) {
      out[i] = leafToken(LeafKind.ConfigValue, name);
    } else {
      out[i] = cx.kernelName?.(name) ? leafToken(LeafKind.KernelName, name) : unknownToken(name);
    }
  }
  return out;
}

