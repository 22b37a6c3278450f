import { parser } from '@prometheus-io/lezer-promql';

/** A PromQL expression that failed to parse with the Prometheus project's grammar. */
export interface PromqlSyntaxError {
  /** Character offset of the first error node. */
  readonly position: number;
  /** The expression, with a caret line under the first error. */
  readonly excerpt: string;
}

/**
 * Shapes of expressions known to parse (see promqlShape). Every chart builds the same ~90
 * expressions differing only in the names quoted in them (namespace, job, pod regex), so a
 * fleet parses each shape once instead of once per chart. Only successes are kept: a
 * broken expression is parsed, and reported, every time. Bounded so that a long-running
 * process feeding distinct user expressions does not grow it without end.
 */
const PARSED_SHAPES = new Set<string>();
const MAX_PARSED_SHAPES = 10_000;

/**
 * `expr` with the content of every single- or double-quoted string literal removed
 * (`job="a-b"` becomes `job=""`), or undefined when a string holds a backslash or a line
 * break, or is left open (then the expression is parsed as it is, every time).
 *
 * Two expressions with the same shape parse alike: in @prometheus-io/lezer-promql 0.315.0
 * (src/promql.grammar, `@tokens`) a string is the single token
 * `'"' (![\\\n"] | "\\" _)* '"'?` (likewise with `'`), the only token that starts with a
 * quote, so content without backslash, line break or quote matches it whatever it is,
 * zero characters included, and the tokens before and after it are unchanged. Line
 * comments (`#` to the end of the line) are skipped so that a quote in one is not taken for
 * a string; backtick strings are kept verbatim.
 */
export function promqlShape(expr: string): string | undefined {
  let shape = '';
  let start = 0; // expr[start, i) not yet copied into shape
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '#') {
      const eol = expr.indexOf('\n', i);
      i = eol < 0 ? expr.length : eol;
    } else if (c === '`') {
      const close = expr.indexOf('`', i + 1);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) {
        if (expr[j] === '\\' || expr[j] === '\n') return undefined;
        j++;
      }
      if (j >= expr.length) return undefined;
      shape += expr.slice(start, i + 1) + c;
      start = j + 1;
      i = j + 1;
    } else {
      i++;
    }
  }
  return shape + expr.slice(start);
}

/**
 * Parses `expr` with `@prometheus-io/lezer-promql` (the grammar Prometheus' own UI uses)
 * and returns the first syntax error, or undefined when it parses. An expression whose
 * shape (promqlShape) already parsed is not parsed again.
 */
export function findPromqlSyntaxError(expr: string): PromqlSyntaxError | undefined {
  if (expr.trim() === '') return { position: 0, excerpt: '(empty expression)' };
  const shape = promqlShape(expr);
  if (shape !== undefined && PARSED_SHAPES.has(shape)) return undefined;
  const err = parsePromql(expr);
  if (err === undefined && shape !== undefined) {
    if (PARSED_SHAPES.size >= MAX_PARSED_SHAPES) PARSED_SHAPES.clear();
    PARSED_SHAPES.add(shape);
  }
  return err;
}

/** The first syntax error of `expr` by a full parse, or undefined. */
function parsePromql(expr: string): PromqlSyntaxError | undefined {
  const tree = parser.parse(expr);
  let position: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (position === undefined && node.type.isError) position = node.from;
      return position === undefined;
    },
  });
  if (position === undefined) return undefined;
  return { position, excerpt: `${expr}\n${' '.repeat(position)}^` };
}

/**
 * Throws when `expr` is not valid PromQL; `what` names the rule or metric in the message.
 */
export function assertPromql(what: string, expr: string): void {
  const err = findPromqlSyntaxError(expr);
  if (err) {
    throw new Error(`${what}: PromQL does not parse at offset ${err.position}; fix the expression:\n${err.excerpt}`);
  }
}

/**
 * prometheus-adapter metricsQuery templates use Go template placeholders that are not
 * PromQL. Substitute sample values so the template can be parsed as the adapter would
 * render it.
 */
export function renderAdapterTemplate(template: string, seriesName: string): string {
  return template
    .replace(/<<\.Series>>/g, seriesName)
    .replace(/<<\.LabelMatchers>>/g, 'namespace="sample",pod=~"sample-0|sample-1"')
    .replace(/<<\.GroupBy>>/g, 'pod');
}
