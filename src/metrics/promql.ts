import { parser } from '@prometheus-io/lezer-promql';

/** A PromQL expression that failed to parse with the Prometheus project's grammar. */
export interface PromqlSyntaxError {
  /** Character offset of the first error node. */
  readonly position: number;
  /** The expression, with a caret line under the first error. */
  readonly excerpt: string;
}

/**
 * Parses `expr` with `@prometheus-io/lezer-promql` (the grammar Prometheus' own UI uses)
 * and returns the first syntax error, or undefined when it parses.
 */
export function findPromqlSyntaxError(expr: string): PromqlSyntaxError | undefined {
  if (expr.trim() === '') return { position: 0, excerpt: '(empty expression)' };
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
