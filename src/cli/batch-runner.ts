import { createInterface } from 'node:readline';
import type { MetricQueryInput } from '../semantic';
import { CliError, describeError, rejectUnknownKeys } from './cli-error';
import { formatJsonLine, type TabularResult } from './output-format';

/** The keys of a batch line: exactly the engine's MetricQueryInput. */
const QUERY_KEYS = ['metrics', 'groupBy', 'where', 'orderBy', 'limit', 'startTime', 'endTime', 'savedQuery'] as const;

export interface BatchSummary {
  queries: number;
  failed: number;
}

/**
 * Runs JSON-lines metric queries: one output line per non-blank input line, in input order, either
 * `{"columns":…,"rows":…}` or `{"error":{"code","message"}}`. A bad line never stops the batch.
 *
 * Input is read as it arrives and each answer is written as soon as it and every earlier one are
 * done, so a client may send a line and wait for its answer. Up to `window` queries are in flight or
 * waiting for an earlier one to be written; reading pauses beyond that, which bounds memory.
 */
export class BatchRunner {
  constructor(
    private readonly execute: (input: MetricQueryInput) => Promise<TabularResult>,
    private readonly write: (line: string) => Promise<void>,
    private readonly window = 4,
  ) {}

  async run(input: NodeJS.ReadableStream): Promise<BatchSummary> {
    const summary: BatchSummary = { queries: 0, failed: 0 };
    const lines = createInterface({ input, crlfDelay: Infinity });
    let written: Promise<void> = Promise.resolve();
    let pending = 0;
    let wake: (() => void) | undefined;
    let lineNumber = 0;

    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      while (pending >= this.window) await new Promise<void>((resolve) => (wake = resolve));
      pending++;
      summary.queries++;
      const answer = this.answer(line, lineNumber);
      // Each write waits for the previous one: output order is input order whatever finishes first.
      written = Promise.all([written, answer])
        .then(async ([, { text, failed }]) => {
          if (failed) summary.failed++;
          await this.write(`${text}\n`);
        })
        .finally(() => {
          pending--;
          wake?.();
          wake = undefined;
        });
      // A failed write (stdout closed) stops reading now rather than when the input ends.
      written.catch(() => lines.close());
    }
    await written;
    return summary;
  }

  /** Never rejects: every failure becomes the line's error object. */
  private async answer(line: string, lineNumber: number): Promise<{ text: string; failed: boolean }> {
    try {
      return { text: formatJsonLine(await this.execute(parseQueryLine(line, lineNumber))), failed: false };
    } catch (error) {
      const { code, message } = describeError(error);
      const located = message.startsWith(`line ${lineNumber}:`) ? message : `line ${lineNumber}: ${message}`;
      return { text: JSON.stringify({ error: { code, message: located } }), failed: true };
    }
  }
}

/** Parses one batch line into a MetricQueryInput, rejecting anything that is not one. */
export function parseQueryLine(line: string, lineNumber: number): MetricQueryInput {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new CliError('INVALID_JSON', `line ${lineNumber}: not valid JSON (${(error as Error).message}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('INVALID_QUERY', `line ${lineNumber}: expected a JSON object such as {"metrics":["revenue"],"groupBy":["metric_time__day"]}.`);
  }
  rejectUnknownKeys(value as Record<string, unknown>, QUERY_KEYS, 'the query');
  return value as MetricQueryInput;
}
