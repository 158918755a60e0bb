import { didYouMean } from '../errors';
import { DATE_PARTS } from '../spec/manifest';
import type { FilterReference } from './filter-ast';
import { quoteToken } from './filter-syntax-error';
import { describeToken, type FilterTokenStream } from './filter-token-stream';
import type { Token } from './filter-tokenizer';

/**
 * The Jinja inside `{{ … }}`: exactly the reference objects MetricFlow's where filters offer
 * (dbt-semantic-interfaces' WhereFilter*Factory), with their Python signatures: positional or
 * keyword arguments, `.grain()` / `.date_part()` on dimensions. Anything else is refused, since
 * nothing here is ever evaluated as Jinja.
 */

const NAME = /^[a-z_][a-z0-9_]*$/i;
const EXAMPLE = "{{ Dimension('customer__country') }}";
const OBJECTS_HINT = `Inside {{ }} write only Dimension('name'), TimeDimension('name', 'grain'), Entity('name') or Metric('name', group_by=['entity']), e.g. ${EXAMPLE}.`;

type ParamRole = 'name' | 'grain' | 'path' | 'datePart' | 'groupBy' | 'descending';
interface Param {
  keyword: string;
  role: ParamRole;
}

/** Parameters in Python order, as the factories declare them. */
const SIGNATURES: Record<string, Param[]> = {
  Dimension: [
    { keyword: 'dimension_name', role: 'name' },
    { keyword: 'entity_path', role: 'path' },
  ],
  TimeDimension: [
    { keyword: 'time_dimension_name', role: 'name' },
    { keyword: 'time_granularity_name', role: 'grain' },
    { keyword: 'entity_path', role: 'path' },
    { keyword: 'descending', role: 'descending' },
    { keyword: 'date_part_name', role: 'datePart' },
  ],
  Entity: [
    { keyword: 'entity_name', role: 'name' },
    { keyword: 'entity_path', role: 'path' },
  ],
  Metric: [
    { keyword: 'metric_name', role: 'name' },
    { keyword: 'group_by', role: 'groupBy' },
  ],
};
const METHODS = ['grain', 'date_part'];

type ArgValue = { token: Token; text?: string; list?: string[] };
interface Bound {
  name?: string;
  grain?: string;
  path?: string[];
  datePart?: string;
  groupBy?: string[];
}

/** Parses `{{ … }}` starting at the `{{` token. */
export function parseJinjaReference(stream: FilterTokenStream): FilterReference {
  const open = stream.next();
  // Checked up front so that an unclosed reference says so, whatever token it happens to stop at.
  for (let k = 0; stream.peek(k).kind !== 'jinjaClose'; k++) {
    if (stream.peek(k).kind === 'eof') throw stream.error(open, "'{{' is never closed", "Close the reference with '}}'.");
  }
  const objectToken = stream.peek();
  if (objectToken.kind === 'jinjaClose') throw stream.error(objectToken, 'empty {{ }}', OBJECTS_HINT);
  if (objectToken.kind !== 'word') throw unexpectedInside(stream, open, objectToken);
  // hasOwn: `{{ constructor(...) }}` must not find Object.prototype.constructor.
  const signature = Object.hasOwn(SIGNATURES, objectToken.text) ? SIGNATURES[objectToken.text] : undefined;
  if (!signature) {
    throw stream.error(objectToken, `unknown Jinja object ${quoteToken(objectToken.text)}`, OBJECTS_HINT, didYouMean(objectToken.text, Object.keys(SIGNATURES)));
  }
  stream.next();
  stream.expectPunct('(', `after ${objectToken.text}`, OBJECTS_HINT);
  const bound = bindArguments(stream, objectToken, signature, parseArguments(stream, open));
  const isDimension = objectToken.text === 'Dimension' || objectToken.text === 'TimeDimension';
  while (stream.isPunct('.')) {
    stream.next();
    const method = stream.next();
    if (method.kind !== 'word' || !isDimension || !METHODS.includes(method.text)) {
      const fix = isDimension ? 'Dimensions accept .grain(\'month\') and .date_part(\'dow\') only.' : `${objectToken.text}(...) has no methods.`;
      const suggestions = isDimension && method.kind === 'word' ? didYouMean(method.text, METHODS) : [];
      if (method.text === 'descending') throw stream.error(method, 'descending is not valid in a filter', 'Ordering belongs in order_by, not in a where filter.');
      throw stream.error(method, `unsupported method ${describeToken(method)} on ${objectToken.text}`, fix, suggestions);
    }
    stream.expectPunct('(', `after .${method.text}`);
    const argToken = stream.next();
    const value = stringValue(stream, argToken, `.${method.text}() argument`);
    stream.expectPunct(')', `to close .${method.text}(`, `.${method.text}() takes exactly one string argument.`);
    const role = method.text === 'grain' ? 'grain' : 'datePart';
    if (bound[role] !== undefined) {
      throw stream.error(method, `${role === 'grain' ? 'the grain' : 'the date part'} is already set on this ${objectToken.text}`, 'Set it once.');
    }
    bound[role] = role === 'grain' ? checkedName(stream, value, 'grain', argToken) : checkedDatePart(stream, value, argToken);
  }
  const close = stream.peek();
  if (close.kind !== 'jinjaClose') {
    if (close.kind === 'eof') throw stream.error(open, "'{{' is never closed", "Close the reference with '}}'.");
    throw unexpectedInside(stream, open, close);
  }
  stream.next();
  return toReference(objectToken.text, bound);
}

function unexpectedInside(stream: FilterTokenStream, open: Token, token: Token): Error {
  if (token.kind === 'eof') return stream.error(open, "'{{' is never closed", "Close the reference with '}}'.");
  if (token.kind === 'jinjaOpen') return stream.error(token, 'Jinja references cannot be nested', OBJECTS_HINT);
  return stream.error(token, `unexpected ${describeToken(token)} inside {{ }}`, OBJECTS_HINT);
}

function parseArguments(stream: FilterTokenStream, open: Token): { keyword?: Token; value: ArgValue }[] {
  const args: { keyword?: Token; value: ArgValue }[] = [];
  while (!stream.isPunct(')')) {
    if (args.length > 0) {
      if (!stream.isPunct(',')) throw unexpectedArgument(stream, open);
      stream.next();
      if (stream.isPunct(')')) break; // Python allows a trailing comma
    }
    let keyword: Token | undefined;
    if (stream.peek().kind === 'word' && stream.peek(1).kind === 'op' && stream.peek(1).text === '=') {
      keyword = stream.next();
      stream.next();
    }
    args.push({ keyword, value: parseValue(stream, open) });
  }
  stream.next();
  return args;
}

function unexpectedArgument(stream: FilterTokenStream, open: Token): Error {
  const token = stream.peek();
  if (token.kind === 'eof' || token.kind === 'jinjaOpen') return unexpectedInside(stream, open, token);
  return stream.unexpected(token, "expected ',' or ')' between arguments", OBJECTS_HINT);
}

function parseValue(stream: FilterTokenStream, open: Token): ArgValue {
  const token = stream.next();
  if (token.kind === 'string' || token.kind === 'dqstring') return { token, text: token.value as string };
  if (token.kind === 'word' && ['True', 'False', 'None'].includes(token.text)) return { token, text: token.text };
  if (token.kind !== 'punct' || token.text !== '[') {
    if (token.kind === 'eof' || token.kind === 'jinjaOpen') throw unexpectedInside(stream, open, token);
    throw stream.unexpected(token, 'expected a quoted name or a [list] of quoted names', OBJECTS_HINT);
  }
  const list: string[] = [];
  while (!stream.isPunct(']')) {
    if (list.length > 0) {
      stream.expectPunct(',', 'between list items');
      if (stream.isPunct(']')) break;
    }
    const item = stream.next();
    if (item.kind === 'eof') throw unexpectedInside(stream, open, item);
    list.push(stringValue(stream, item, 'list item'));
  }
  stream.next();
  return { token, list };
}

function stringValue(stream: FilterTokenStream, token: Token, what: string): string {
  if (token.kind !== 'string' && token.kind !== 'dqstring') {
    throw stream.unexpected(token, `expected a quoted name as the ${what}`, "Quote names: 'customer__country'.");
  }
  return token.value as string;
}

/** Binds arguments to parameters the way Python would, then checks each value's shape. */
function bindArguments(stream: FilterTokenStream, object: Token, signature: Param[], args: { keyword?: Token; value: ArgValue }[]): Bound {
  const bound: Bound = {};
  const seen = new Set<string>();
  let position = 0;
  for (const { keyword, value } of args) {
    let param: Param | undefined;
    if (keyword) {
      param = signature.find((p) => p.keyword === keyword.text);
      if (!param) {
        const names = signature.map((p) => p.keyword);
        throw stream.error(keyword, `${object.text}() has no argument ${quoteToken(keyword.text)}`, `Arguments: ${names.join(', ')}.`, didYouMean(keyword.text, names));
      }
    } else {
      if (seen.size > position) throw stream.error(value.token, 'positional argument after a keyword argument', 'Put positional arguments first.');
      param = signature[position++];
      if (!param) throw stream.error(value.token, `too many arguments to ${object.text}()`, OBJECTS_HINT);
    }
    if (seen.has(param.keyword)) throw stream.error(keyword ?? value.token, `argument ${param.keyword} is given twice`, 'Give it once.');
    seen.add(param.keyword);
    bindOne(stream, bound, param, value);
  }
  if (bound.name === undefined) throw stream.error(object, `${object.text}() needs a name`, OBJECTS_HINT);
  if (object.text === 'Metric' && (bound.groupBy ?? []).length === 0) {
    throw stream.error(object, 'Metric() needs group_by', "Name the entities to aggregate the metric by: {{ Metric('bookings', group_by=['listing']) }}.");
  }
  return bound;
}

function bindOne(stream: FilterTokenStream, bound: Bound, param: Param, value: ArgValue): void {
  if (param.role === 'descending') {
    throw stream.error(value.token, 'descending is not valid in a filter', 'Ordering belongs in order_by, not in a where filter.');
  }
  const isList = param.role === 'path' || param.role === 'groupBy';
  if (value.text === 'None' && value.token.kind === 'word' && param.role !== 'name') return; // Python's default
  if (isList !== (value.list !== undefined) || (!isList && value.token.kind === 'word')) {
    const shape = isList ? "a list of quoted names, e.g. ['customer']" : 'a quoted string';
    throw stream.error(value.token, `${param.keyword} must be ${shape}`, OBJECTS_HINT);
  }
  switch (param.role) {
    case 'name':
      bound.name = checkedName(stream, value.text!, 'name', value.token);
      return;
    case 'grain':
      bound.grain = checkedName(stream, value.text!, 'grain', value.token);
      return;
    case 'datePart':
      bound.datePart = checkedDatePart(stream, value.text!, value.token);
      return;
    case 'path':
      bound.path = value.list!.map((n) => checkedName(stream, n, 'entity path item', value.token));
      return;
    case 'groupBy':
      bound.groupBy = value.list!.map((n) => checkedName(stream, n, 'group_by item', value.token));
      return;
  }
}

function checkedName(stream: FilterTokenStream, text: string, what: string, token: Token): string {
  if (!NAME.test(text)) {
    throw stream.error(
      token,
      `${quoteToken(text)} is not a valid ${what}`,
      "Names are letters, digits and underscores, starting with a letter or '_' (dunder paths such as 'customer__country' included).",
    );
  }
  return text.toLowerCase();
}

function checkedDatePart(stream: FilterTokenStream, text: string, token: Token): string {
  const part = text.toLowerCase();
  if (!(DATE_PARTS as readonly string[]).includes(part)) {
    throw stream.error(token, `unknown date part ${quoteToken(text)}`, `Date parts: ${DATE_PARTS.join(', ')}.`, didYouMean(text, DATE_PARTS));
  }
  return part;
}

function toReference(object: string, bound: Bound): FilterReference {
  // MetricFlow treats entity_path=['a','b'] + 'name' exactly like the dunder name 'a__b__name'.
  const name = [...(bound.path ?? []), bound.name!].join('__');
  const timeParts = { ...(bound.grain !== undefined && { grain: bound.grain }), ...(bound.datePart !== undefined && { datePart: bound.datePart }) };
  switch (object) {
    case 'Dimension':
      return { type: 'dimension', name, ...timeParts };
    case 'TimeDimension':
      return { type: 'timeDimension', name, ...timeParts };
    case 'Entity':
      return { type: 'entity', name };
    default:
      return { type: 'metric', name, groupBy: bound.groupBy ?? [] };
  }
}
