/**
 * Writers for tabular results: an aligned table for terminals, RFC 4180 CSV, and the JSON shape
 * the batch mode and the GraphQL API share ({columns, rows}).
 */

export type OutputFormat = 'table' | 'csv' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json'];

export type CellValue = string | number | boolean | null;

export interface TabularColumn {
  name: string;
  /** Warehouse column type (INTEGER, FLOAT, NUMERIC, STRING, DATE, …); numeric ones are right-aligned. */
  type: string;
}

export interface TabularResult {
  columns: TabularColumn[];
  rows: CellValue[][];
}

const NUMERIC_TYPES = new Set(['INTEGER', 'FLOAT', 'NUMERIC']);

/** Renders a result in the chosen format; the text ends with a newline. */
export function formatResult(result: TabularResult, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return `${formatJsonLine(result)}\n`;
  }
}

/** One line of JSON, `{"columns":[{name,type}],"rows":[[…]]}`. */
export function formatJsonLine(result: TabularResult): string {
  return JSON.stringify({ columns: result.columns.map((c) => ({ name: c.name, type: c.type })), rows: result.rows });
}

/**
 * Aligned columns under a dashed rule; numbers right-aligned, NULL shown as an empty cell. Line
 * breaks and tabs inside values become spaces so that one row stays one line.
 */
export function formatTable(result: TabularResult): string {
  const header = result.columns.map((c) => c.name);
  const body = result.rows.map((row) => row.map((v) => tableCell(v)));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i] ?? ''))));
  const rightAligned = result.columns.map((c) => NUMERIC_TYPES.has(c.type.toUpperCase()));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - displayWidth(cell));
        return rightAligned[i] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].map((l) => `${l}\n`).join('');
}

/** RFC 4180: CRLF line ends; a field with a comma, quote, CR or LF is quoted and its quotes doubled; NULL is empty. */
export function formatCsv(result: TabularResult): string {
  const lines = [result.columns.map((c) => csvField(c.name)), ...result.rows.map((row) => row.map(csvField))];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

function csvField(value: CellValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function tableCell(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Terminal columns a string takes: wide (CJK, emoji) characters count twice, combining marks not at all. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
