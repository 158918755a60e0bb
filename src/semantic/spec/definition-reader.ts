import { didYouMean, type ErrorReporter } from '../errors';
import type { SourceLocation } from './manifest';
import { childPath, type SourceDocument } from './source-document';

/** Which of the three input forms an object was written in; a few keys and shorthands differ. */
export type SpecForm = 'dbt' | 'dsi' | 'json';

/** The keys an object may have. `dropped` keys are accepted and discarded (dbt's computed extras). */
export interface ObjectShape {
  required?: readonly string[];
  optional?: readonly string[];
  dropped?: readonly string[];
}

/** Where a normalized object came from, so cross-object rules can point back at the source. */
export interface Origin {
  reader: DefinitionReader;
  path: string;
}

/**
 * State shared by every reader of one load: where each object came from, and the names of
 * objects that were declared but could not be read. Cross-object rules skip references to
 * those, so one mistake is reported once rather than again at every use.
 */
export class LoadState {
  readonly origins = new WeakMap<object, Origin>();
  /** `measure:x`, `metric:x`, `entities-of:model`… for objects dropped because of a reported problem. */
  readonly broken = new Set<string>();

  brokenNames(kind: string): string[] {
    const prefix = `${kind}:`;
    return [...this.broken].filter((b) => b.startsWith(prefix)).map((b) => b.slice(prefix.length));
  }
}

/** MetricFlow's name rule: lower snake case, no double underscore (it separates entity links). */
const NAME_PATTERN = /^[a-z][a-z0-9_]*[a-z0-9]$|^[a-z]$/;

/**
 * Reads plain values of one document with typed accessors. Every accessor reports what is wrong
 * (with the document's file, the path and its line) and returns `undefined` instead of throwing,
 * so one pass collects every problem.
 */
export class DefinitionReader {
  constructor(
    readonly reporter: ErrorReporter,
    readonly doc: SourceDocument,
    readonly form: SpecForm,
    readonly state: LoadState,
  ) {}

  get file(): string {
    return this.doc.file;
  }

  problem(path: string, message: string, fix?: string): void {
    this.reporter.add({ file: this.doc.file, path, line: this.lineOf(path), message, fix });
  }

  /** The line of `path`, or of its nearest ancestor the parser saw. */
  lineOf(path: string): number | undefined {
    let p = path;
    for (;;) {
      const line = this.doc.keyLines.get(p) ?? this.doc.valueLines.get(p);
      if (line !== undefined) return line;
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) return this.doc.valueLines.get('');
      p = p.slice(0, cut);
    }
  }

  location(path: string): SourceLocation {
    const line = this.doc.valueLines.get(path) ?? this.lineOf(path);
    return line === undefined ? { file: this.doc.file } : { file: this.doc.file, line };
  }

  /** Remembers that an object named in `value` was dropped because of a problem already reported. */
  markBroken(kind: string, value: unknown): void {
    const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : value;
    if (typeof name === 'string') this.state.broken.add(`${kind}:${name}`);
  }

  track<T extends object>(value: T, path: string): T {
    this.state.origins.set(value, { reader: this, path });
    return value;
  }

  /**
   * Checks that `value` is a mapping with only known keys and every required key. Null values
   * count as absent (dbt's JSON writes every optional field as null).
   */
  object(value: unknown, path: string, what: string, shape: ObjectShape): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(path, `${what} must be a mapping, got ${describe(value)}.`, `Write ${what} as \`key: value\` pairs.`);
      return undefined;
    }
    const known = [...(shape.required ?? []), ...(shape.optional ?? [])];
    const dropped = new Set(shape.dropped ?? []);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || dropped.has(key)) continue;
      if (!known.includes(key)) {
        const suggestions = didYouMean(key, known);
        this.problem(
          childPath(path, key),
          `Unknown key '${key}' in ${what}.${suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''}`,
          suggestions.length > 0 ? `Rename it to '${suggestions[0]}'.` : `Remove it; allowed keys: ${known.join(', ')}.`,
        );
        continue;
      }
      out[key] = v;
    }
    for (const key of shape.required ?? []) {
      if (out[key] === undefined && !isUnknownTypo(value as Record<string, unknown>, key, known)) {
        this.problem(path, `${what} is missing the required key '${key}'.`, `Add \`${key}:\`.`);
      }
    }
    return out;
  }

  string(o: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.problem(childPath(path, key), `'${key}' must be a string, got ${describe(v)}.`, 'Quote the value.');
      return undefined;
    }
    return v;
  }

  /** A SQL expression: dbt accepts numbers and booleans (`expr: 1`) and treats them as text. */
  expr(o: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = o[key];
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.string(o, key, path);
  }

  /** A name MetricFlow can reference: lower snake case without `__`. */
  name(o: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = this.string(o, key, path);
    if (v !== undefined && (!NAME_PATTERN.test(v) || v.includes('__'))) {
      this.problem(
        childPath(path, key),
        `'${v}' is not a valid name: use lower case letters, digits and single underscores, starting with a letter.`,
        `Rename it, e.g. '${suggestName(v)}'.`,
      );
    }
    return v;
  }

  boolean(o: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.problem(childPath(path, key), `'${key}' must be true or false, got ${describe(v)}.`, 'Write true or false.');
      return undefined;
    }
    return v;
  }

  number(o: Record<string, unknown>, key: string, path: string, integer = false): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      this.problem(childPath(path, key), `'${key}' must be ${integer ? 'an integer' : 'a number'}, got ${describe(v)}.`);
      return undefined;
    }
    return v;
  }

  /** An enum value; dbt accepts upper case too, the manifest stores lower case. */
  oneOf<T extends string>(o: Record<string, unknown>, key: string, path: string, values: readonly T[]): T | undefined {
    const v = this.string(o, key, path);
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    if ((values as readonly string[]).includes(lower)) return lower as T;
    const suggestions = didYouMean(lower, values);
    this.problem(
      childPath(path, key),
      `'${v}' is not a valid ${key}; expected one of ${values.join(', ')}.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''}`,
      `Use one of: ${values.join(', ')}.`,
    );
    return undefined;
  }

  list(o: Record<string, unknown>, key: string, path: string): unknown[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.problem(childPath(path, key), `'${key}' must be a list, got ${describe(v)}.`, 'Write it as a YAML list (`- item`).');
      return undefined;
    }
    return v;
  }

  stringList(o: Record<string, unknown>, key: string, path: string): string[] | undefined {
    const items = this.list(o, key, path);
    if (items === undefined) return undefined;
    const out: string[] = [];
    items.forEach((item, i) => {
      if (typeof item === 'string') out.push(item);
      else this.problem(childPath(childPath(path, key), i), `Each '${key}' entry must be a string, got ${describe(item)}.`, 'Quote it.');
    });
    return out;
  }

  /** `meta` as a string-keyed mapping. */
  meta(o: Record<string, unknown>, key: string, path: string): Record<string, unknown> | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.problem(childPath(path, key), `'${key}' must be a mapping, got ${describe(v)}.`);
      return undefined;
    }
    return v as Record<string, unknown>;
  }
}

/** True when a required key is missing only because it was misspelled (already reported once). */
function isUnknownTypo(value: Record<string, unknown>, required: string, known: string[]): boolean {
  return Object.keys(value).some((k) => !known.includes(k) && didYouMean(k, [required]).length > 0);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

function suggestName(v: string): string {
  const s = v
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '');
  return s || 'my_name';
}

/** Drops keys whose value is undefined, so optional fields are absent rather than `undefined`. */
export function compact<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}
