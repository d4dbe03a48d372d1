// The mathImg expression language: a tokenizer and a recursive-descent parser producing a small
// tree. Nothing here ever reaches eval or Function; unknown names are rejected while parsing.
//
// Grammar (lowest precedence first):
//   expr       := or
//   or         := and (("or" | "||") and)*
//   and        := not (("and" | "&&") not)*
//   not        := ("not" | "!") not | comparison
//   comparison := additive (("<" | "<=" | ">" | ">=" | "==" | "!=") additive)?
//   additive   := term (("+" | "-") term)*
//   term       := unary (("*" | "/") unary)*
//   unary      := ("-" | "+") unary | power
//   power      := primary (("**" | "^") unary)?          right-associative, -2**2 == -4
//   primary    := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"

/** The binary operators of a mathImg expression (`and`/`or` are the words or `&&`/`||`). */
export type BinaryOp = '+' | '-' | '*' | '/' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';
/** The unary operators of a mathImg expression: negation (`-x`) and logical not. */
export type UnaryOp = 'neg' | 'not';

/** A parsed mathImg expression (numbers, image names, operators and function calls). */
export type ExprNode =
  | { type: 'number'; value: number; pos: number }
  | { type: 'name'; name: string; pos: number }
  | { type: 'unary'; op: UnaryOp; arg: ExprNode; pos: number }
  | { type: 'binary'; op: BinaryOp; left: ExprNode; right: ExprNode; pos: number }
  | { type: 'call'; fn: string; args: ExprNode[]; pos: number };

/** Functions and how many arguments each accepts (no prototype: "toString" is not a function here). */
export const FUNCTIONS: Readonly<Record<string, readonly number[]>> = Object.freeze(
  Object.assign(Object.create(null), {
    abs: [1],
    sqrt: [1],
    exp: [1],
    log: [1],
    mean: [1],
    std: [1],
    max: [1, 2],
    min: [1, 2],
  }),
);

interface Token {
  kind: 'number' | 'name' | 'op' | 'end';
  text: string;
  pos: number;
  value?: number;
}

/** Deepest nesting accepted: far beyond any real expression, far below the stack's limit. */
const MAX_DEPTH = 256;
const OPERATORS = ['**', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '^', '<', '>', '!', '(', ')', ','];
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** A mathImg expression that does not parse or evaluate; position is the character offset of the problem. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const ch = source[pos]!;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    const rest = source.slice(pos);
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', text: num[0], pos, value: Number(num[0]) });
      pos += num[0].length;
      if (pos < source.length && /[A-Za-z_.]/.test(source[pos]!)) {
        throw new ExpressionError(`syntax error at position ${pos}: unexpected "${source[pos]}" after a number`, pos);
      }
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], pos });
      pos += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) throw new ExpressionError(`syntax error at position ${pos}: unexpected character "${ch}"`, pos);
    tokens.push({ kind: 'op', text: op, pos });
    pos += op.length;
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not']);
const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly names: ReadonlySet<string>,
  ) {}

  parse(): ExprNode {
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') this.fail(t, 'expected an operator or the end of the expression');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }
  private next(): Token {
    return this.tokens[this.at++]!;
  }
  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return (t.kind === 'op' || (t.kind === 'name' && KEYWORDS.has(t.text))) && ops.includes(t.text);
  }
  private fail(t: Token, what: string): never {
    const found = t.kind === 'end' ? 'the end of the expression' : `"${t.text}"`;
    throw new ExpressionError(`syntax error at position ${t.pos}: ${what}, found ${found}`, t.pos);
  }

  /** Nesting depth (parentheses, calls, prefix operators), bounded so no input overflows the stack. */
  private depth = 0;
  private nested<T>(t: Token, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      throw new ExpressionError(`expression nested too deeply at position ${t.pos} (more than ${MAX_DEPTH} levels)`, t.pos);
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private or(): ExprNode {
    return this.nested(this.peek(), () => this.orChain());
  }
  private orChain(): ExprNode {
    let left = this.and();
    while (this.isOp('or', '||')) {
      const t = this.next();
      left = { type: 'binary', op: 'or', left, right: this.and(), pos: t.pos };
    }
    return left;
  }
  private and(): ExprNode {
    let left = this.not();
    while (this.isOp('and', '&&')) {
      const t = this.next();
      left = { type: 'binary', op: 'and', left, right: this.not(), pos: t.pos };
    }
    return left;
  }
  private not(): ExprNode {
    if (this.isOp('not', '!')) {
      const t = this.next();
      return { type: 'unary', op: 'not', arg: this.nested(t, () => this.not()), pos: t.pos };
    }
    return this.comparison();
  }
  private comparison(): ExprNode {
    const left = this.additive();
    const t = this.peek();
    if (t.kind !== 'op' || !COMPARISONS.has(t.text)) return left;
    this.next();
    const node: ExprNode = { type: 'binary', op: t.text as BinaryOp, left, right: this.additive(), pos: t.pos };
    const after = this.peek();
    if (after.kind === 'op' && COMPARISONS.has(after.text)) {
      throw new ExpressionError(
        `syntax error at position ${after.pos}: chained comparisons are not supported; combine them with "and"`,
        after.pos,
      );
    }
    return node;
  }
  private additive(): ExprNode {
    let left = this.term();
    while (this.isOp('+', '-')) {
      const t = this.next();
      left = { type: 'binary', op: t.text as BinaryOp, left, right: this.term(), pos: t.pos };
    }
    return left;
  }
  private term(): ExprNode {
    let left = this.unary();
    while (this.isOp('*', '/')) {
      const t = this.next();
      left = { type: 'binary', op: t.text as BinaryOp, left, right: this.unary(), pos: t.pos };
    }
    return left;
  }
  private unary(): ExprNode {
    if (this.isOp('-', '+')) {
      const t = this.next();
      const arg = this.nested(t, () => this.unary());
      return t.text === '-' ? { type: 'unary', op: 'neg', arg, pos: t.pos } : arg;
    }
    return this.power();
  }
  private power(): ExprNode {
    const base = this.primary();
    if (this.isOp('**', '^')) {
      const t = this.next();
      return { type: 'binary', op: '**', left: base, right: this.nested(t, () => this.unary()), pos: t.pos };
    }
    return base;
  }
  private primary(): ExprNode {
    const t = this.next();
    if (t.kind === 'number') return { type: 'number', value: t.value!, pos: t.pos };
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.or();
      if (!this.isOp(')')) this.fail(this.peek(), 'expected ")"');
      this.next();
      return inner;
    }
    if (t.kind === 'name' && !KEYWORDS.has(t.text)) {
      if (this.isOp('(')) return this.call(t);
      if (!this.names.has(t.text)) {
        const known = [...this.names].join(', ') || 'none';
        const hint = FUNCTIONS[t.text] ? ` ("${t.text}" is a function: call it as ${t.text}(...))` : '';
        throw new ExpressionError(`unknown name "${t.text}" at position ${t.pos}${hint}; images given: ${known}`, t.pos);
      }
      return { type: 'name', name: t.text, pos: t.pos };
    }
    this.fail(t, 'expected a number, an image name, a function call or "("');
  }
  private call(nameToken: Token): ExprNode {
    const arity = FUNCTIONS[nameToken.text];
    if (!arity) {
      throw new ExpressionError(
        `unknown function "${nameToken.text}" at position ${nameToken.pos}; known: ${Object.keys(FUNCTIONS).join(', ')}`,
        nameToken.pos,
      );
    }
    this.next(); // "("
    const args: ExprNode[] = [];
    if (!this.isOp(')')) {
      args.push(this.or());
      while (this.isOp(',')) {
        this.next();
        args.push(this.or());
      }
    }
    if (!this.isOp(')')) this.fail(this.peek(), 'expected "," or ")"');
    this.next();
    if (!arity.includes(args.length)) {
      const want = arity.join(' or ');
      throw new ExpressionError(
        `${nameToken.text}() at position ${nameToken.pos} takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`,
        nameToken.pos,
      );
    }
    return { type: 'call', fn: nameToken.text, args, pos: nameToken.pos };
  }
}

/** Parse an expression; `names` are the identifiers that may appear (the image names). */
export function parseExpression(source: string, names: Iterable<string>): ExprNode {
  if (typeof source !== 'string' || source.trim() === '') throw new ExpressionError('empty expression', 0);
  return new Parser(tokenize(source), new Set(names)).parse();
}

/** The image names an expression refers to, in order of first appearance. */
export function referencedNames(node: ExprNode, out: string[] = []): string[] {
  switch (node.type) {
    case 'name':
      if (!out.includes(node.name)) out.push(node.name);
      break;
    case 'unary':
      referencedNames(node.arg, out);
      break;
    case 'binary':
      referencedNames(node.left, out);
      referencedNames(node.right, out);
      break;
    case 'call':
      for (const a of node.args) referencedNames(a, out);
      break;
    default:
      break;
  }
  return out;
}
