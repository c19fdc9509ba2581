// #if expressions: parsed once per group of environments, evaluated per environment,
// three-valued.
import { isPunctuator, LeafKind, TokenKind, type Token } from './tokens';
import { applyBinary, applyUnary, charLiteralValue, integerLiteralValue, isZero, sameNum, type Val } from './numbers';
import { EnvironmentView } from './environment';
import { ExpressionError } from './macroTables';

/** Nesting of parentheses/unary operators and depth of the expression tree (both recurse). */
const MAX_EXPRESSION_DEPTH = 256;

export const enum NodeKind {
  Constant,
  Leaf,
  Unary,
  Binary,
  And,
  Or,
  Conditional,
}

export type ExprNode =
  | { readonly kind: NodeKind.Constant; readonly value: Val; readonly depth: number }
  | { readonly kind: NodeKind.Leaf; readonly leaf: LeafKind; readonly name: string; readonly depth: number }
  | { readonly kind: NodeKind.Unary; readonly operator: string; readonly operand: ExprNode; readonly depth: number }
  | {
      readonly kind: NodeKind.Binary | NodeKind.And | NodeKind.Or;
      readonly operator: string;
      readonly left: ExprNode;
      readonly right: ExprNode;
      readonly depth: number;
    }
  | {
      readonly kind: NodeKind.Conditional;
      readonly test: ExprNode;
      readonly whenTrue: ExprNode;
      readonly whenFalse: ExprNode;
      readonly depth: number;
    };

export function constantNode(value: Val): ExprNode {
  return { kind: NodeKind.Constant, value, depth: 1 };
}

export function isKnownConstant(node: ExprNode, truth: boolean): boolean {
  return node.kind === NodeKind.Constant && node.value !== undefined && isZero(node.value) !== truth;
}

export function checkDepth(depth: number): number {
  if (depth > MAX_EXPRESSION_DEPTH) throw new ExpressionError('expression too deeply nested');
  return depth;
}

export function makeUnary(operator: string, operand: ExprNode): ExprNode {
  const node: ExprNode = { kind: NodeKind.Unary, operator, operand, depth: checkDepth(operand.depth + 1) };
  return operand.kind === NodeKind.Constant ? constantNode(evaluateNode(node, undefined)) : node;
}

export function makeBinary(operator: string, left: ExprNode, right: ExprNode): ExprNode {
  const kind = operator === '&&' ? NodeKind.And : operator === '||' ? NodeKind.Or : NodeKind.Binary;
  // Short-circuit decides even when the other side depends on the environment.
  if (kind === NodeKind.And && (isKnownConstant(left, false) || isKnownConstant(right, false))) return constantNode(0);
  if (kind === NodeKind.Or && (isKnownConstant(left, true) || isKnownConstant(right, true))) return constantNode(1);
  const node: ExprNode = { kind, operator, left, right, depth: checkDepth(Math.max(left.depth, right.depth) + 1) };
  return left.kind === NodeKind.Constant && right.kind === NodeKind.Constant ? constantNode(evaluateNode(node, undefined)) : node;
}

export function makeConditional(test: ExprNode, whenTrue: ExprNode, whenFalse: ExprNode): ExprNode {
  const depth = checkDepth(Math.max(test.depth, whenTrue.depth, whenFalse.depth) + 1);
  const node: ExprNode = { kind: NodeKind.Conditional, test, whenTrue, whenFalse, depth };
  const constant =
    test.kind === NodeKind.Constant && whenTrue.kind === NodeKind.Constant && whenFalse.kind === NodeKind.Constant;
  return constant ? constantNode(evaluateNode(node, undefined)) : node;
}

export function evaluateNode(node: ExprNode, env: EnvironmentView | undefined): Val {
  switch (node.kind) {
    case NodeKind.Constant:
      return node.value;
    case NodeKind.Leaf:
      return env === undefined ? undefined : env.leafValue(node.leaf, node.name);
    case NodeKind.Unary: {
      const value = evaluateNode(node.operand, env);
      return value === undefined ? undefined : applyUnary(node.operator, value);
    }
    case NodeKind.Binary: {
      if (node.operator === ',') return evaluateNode(node.right, env);
      const left = evaluateNode(node.left, env);
      if (left === undefined) return undefined;
      const right = evaluateNode(node.right, env);
      return right === undefined ? undefined : applyBinary(node.operator, left, right);
    }
    case NodeKind.And: {
      const left = evaluateNode(node.left, env);
      if (left !== undefined && isZero(left)) return 0;
      const right = evaluateNode(node.right, env);
      if (right !== undefined && isZero(right)) return 0;
      return left === undefined || right === undefined ? undefined : 1;
    }
    case NodeKind.Or: {
      const left = evaluateNode(node.left, env);
      if (left !== undefined && !isZero(left)) return 1;
      const right = evaluateNode(node.right, env);
      if (right !== undefined && !isZero(right)) return 1;
      return left === undefined || right === undefined ? undefined : 0;
    }
    case NodeKind.Conditional: {
      const test = evaluateNode(node.test, env);
      if (test !== undefined) return evaluateNode(isZero(test) ? node.whenFalse : node.whenTrue, env);
      // An unknown test still decides when both arms agree.
      const whenTrue = evaluateNode(node.whenTrue, env);
      const whenFalse = evaluateNode(node.whenFalse, env);
      return whenTrue !== undefined && whenFalse !== undefined && sameNum(whenTrue, whenFalse) ? whenTrue : undefined;
    }
  }
}

export const BINARY_PRECEDENCE = new Map<string, number>([
  ['*', 10], ['/', 10], ['%', 10],
  ['+', 9], ['-', 9],
  ['<<', 8], ['>>', 8],
  ['<', 7], ['>', 7], ['<=', 7], ['>=', 7],
  ['==', 6], ['!=', 6],
  ['&', 5],
  ['^', 4],
  ['|', 3],
  ['&&', 2],
  ['||', 1],
]);

/** Recursive descent over expanded tokens (precedence climbing for binary operators). */
export class ExpressionParser {
  private position = 0;
  private nesting = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ExprNode | ExpressionError {
    try {
      const node = this.parseComma();
      const rest = this.tokens[this.position];
      if (rest !== undefined) {
        return new ExpressionError(
          isPunctuator(rest, ')') ? 'missing "(" in expression' : `missing binary operator before "${rest.text}"`,
        );
      }
      return node;
    } catch (error) {
      if (error instanceof ExpressionError) return error;
      throw error;
    }
  }

  private peekPunctuator(): string | undefined {
    const token = this.tokens[this.position];
    return token !== undefined && token.kind === TokenKind.Punctuator ? token.text : undefined;
  }

  private enter(): void {
    if (++this.nesting > MAX_EXPRESSION_DEPTH) throw new ExpressionError('expression too deeply nested');
  }

  private parseComma(): ExprNode {
    let node = this.parseConditional();
    while (this.peekPunctuator() === ',') {
      this.position++;
      node = makeBinary(',', node, this.parseConditional());
    }
    return node;
  }

  private parseConditional(): ExprNode {
    const test = this.parseBinary(1);
    if (this.peekPunctuator() !== '?') return test;
    this.position++;
    this.enter();
    const whenTrue = this.parseComma();
    if (this.peekPunctuator() !== ':') throw new ExpressionError('"?" without following ":"');
    this.position++;
    const whenFalse = this.parseConditional();
    this.nesting--;
    return makeConditional(test, whenTrue, whenFalse);
  }

  private parseBinary(minPrecedence: number): ExprNode {
    let left = this.parseUnary();
    for (;;) {
      const operator = this.peekPunctuator();
      const precedence = operator === undefined ? undefined : BINARY_PRECEDENCE.get(operator);
      if (operator === undefined || precedence === undefined || precedence < minPrecedence) return left;
      this.position++;
      left = makeBinary(operator, left, this.parseBinary(precedence + 1));
    }
  }

  private parseUnary(): ExprNode {
    const operator = this.peekPunctuator();
    if (operator === '+' || operator === '-' || operator === '!' || operator === '~') {
      this.position++;
      this.enter();
      const operand = this.parseUnary();
      this.nesting--;
      return makeUnary(operator, operand);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ExprNode {
    const token = this.tokens[this.position];
    if (token === undefined) {
      const previous = this.tokens[this.position - 1];
      throw new ExpressionError(previous ? `missing expression after "${previous.text}"` : 'missing expression');
    }
    this.position++;
    switch (token.kind) {
      case TokenKind.Number: {
        const value = integerLiteralValue(token.text);
        if (typeof value === 'string') throw new ExpressionError(value);
        return constantNode(value);
      }
      case TokenKind.CharLiteral: {
        const value = charLiteralValue(token.text);
        if (typeof value === 'string') throw new ExpressionError(value);
        return constantNode(value);
      }
      case TokenKind.Value:
        return constantNode(token.value);
      case TokenKind.Leaf:
        return { kind: NodeKind.Leaf, leaf: token.leaf!, name: token.text, depth: 1 };
      case TokenKind.Unknown:
        // An unknown macro may be function-like: `RHEL_RELEASE_VERSION(8, 6)` is one unknown value.
        if (this.peekPunctuator() === '(') this.skipParenthesized();
        return constantNode(undefined);
      case TokenKind.Punctuator:
        if (token.text === '(') {
          this.enter();
          const inner = this.parseComma();
          if (this.peekPunctuator() !== ')') throw new ExpressionError('missing ")" in expression');
          this.position++;
          this.nesting--;
          return inner;
        }
        throw new ExpressionError(`unexpected "${token.text}" in expression`);
      default:
        throw new ExpressionError(`token ${token.text} is not valid in preprocessor expressions`);
    }
  }

  private skipParenthesized(): void {
    let depth = 0;
    while (this.position < this.tokens.length) {
      const text = this.peekPunctuator();
      this.position++;
      if (text === '(') depth++;
      else if (text === ')' && --depth === 0) return;
    }
    throw new ExpressionError('missing ")" in expression');
  }
}

