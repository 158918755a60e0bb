import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Node } from 'yaml';
import type { ErrorReporter } from '../errors';

/**
 * One parsed YAML (or JSON) document: its plain value plus the line of every path in it, so a
 * problem found later in the plain value can still name its line.
 */
export interface SourceDocument {
  file: string;
  value: unknown;
  /** Path (`semantic_models[0].measures[2].agg`) → 1-based line of its key or list item. */
  keyLines: Map<string, number>;
  /** Path → 1-based line where its value starts (a mapping's first key). */
  valueLines: Map<string, number>;
}

/** Joins a path and a key the way problems print them: `a.b`, `a[0]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * Parses every document of a YAML file. Syntax errors are reported with their line and the
 * broken document is skipped, so one typo does not hide the problems in the other files.
 */
export function parseYamlDocuments(file: string, text: string, reporter: ErrorReporter): SourceDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false });
  const out: SourceDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        reporter.add({
          file,
          path: '',
          line: lineCounter.linePos(error.pos[0]).line,
          message: `YAML syntax error: ${error.message.split('\n')[0]}`,
          fix: 'Correct the YAML syntax (indentation, quoting, unique keys) at this line.',
        });
      }
      continue;
    }
    if (doc.contents === null) continue;
    const source: SourceDocument = { file, value: doc.toJS({ maxAliasCount: 1000 }), keyLines: new Map(), valueLines: new Map() };
    collectLines(doc.contents as Node, '', source, lineCounter);
    out.push(source);
  }
  return out;
}

/**
 * Parses a JSON file. `JSON.parse` gives the value (it is the authority on JSON syntax).
 */
export function parseJsonDocument(file: string, text: string, reporter: ErrorReporter): SourceDocument | undefined {
  const lineCounter = new LineCounter();
  // The YAML parser reads JSON too (JSON schema: no YAML-only scalars); it supplies the lines.
  const doc = parseDocument(text, { lineCounter, schema: 'json', uniqueKeys: false });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const first = doc.errors[0];
    const line = first ? lineCounter.linePos(first.pos[0]).line : undefined;
    reporter.add({ file, path: '', line, message: `JSON syntax error: ${(error as Error).message}`, fix: 'Regenerate the file (dbt parse) or correct the JSON.' });
    return undefined;
  }
  const source: SourceDocument = { file, value, keyLines: new Map(), valueLines: new Map() };
  if (doc.errors.length === 0 && doc.contents) collectLines(doc.contents as Node, '', source, lineCounter);
  return source;
}

function collectLines(node: Node, path: string, source: SourceDocument, lineCounter: LineCounter): void {
  const lineOf = (n: Node): number | undefined => (n.range ? lineCounter.linePos(n.range[0]).line : undefined);
  const start = lineOf(node);
  if (start !== undefined && !source.valueLines.has(path)) source.valueLines.set(path, start);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const keyPath = childPath(path, key);
      const keyLine = lineOf(pair.key);
      if (keyLine !== undefined) source.keyLines.set(keyPath, keyLine);
      if (pair.value) collectLines(pair.value as Node, keyPath, source, lineCounter);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const itemPath = childPath(path, index);
      const itemLine = lineOf(item as Node);
      if (itemLine !== undefined) source.keyLines.set(itemPath, itemLine);
      collectLines(item as Node, itemPath, source, lineCounter);
    });
  }
}
