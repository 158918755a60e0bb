import { Command } from 'commander';
import { DefinitionError, formatProblem, type DefinitionProblem, type SemanticEngine } from '../semantic';
import { loadEngine, semanticLayerOption, semanticLayerSource } from './cli-options';
import { action, writeStdout } from './cli-runtime';

interface ValidateOptions {
  semanticLayer?: string;
}

/** `stratum validate`: MetricFlow's `mf validate-configs`, without a warehouse. */
export function validateCommand(): Command {
  return new Command('validate')
    .alias('validate-configs')
    .description('check every semantic model, metric and saved query; list every problem with its file, line and fix')
    .addOption(semanticLayerOption())
    .addHelpText(
      'after',
      `
Exits 0 and prints a summary when the definitions are valid; otherwise prints every problem
(file:line at path: message. Fix: …) on stderr and exits 1. Each saved query is also compiled.

Examples:
  $ stratum validate
  $ stratum validate --semantic-layer ./semantic-layer
  $ stratum validate --semantic-layer target/semantic_manifest.json`,
    )
    .action(
      action(async (options: ValidateOptions) => {
        const path = semanticLayerSource(options.semanticLayer).path;
        let engine: SemanticEngine;
        try {
          engine = loadEngine(options.semanticLayer);
        } catch (error) {
          if (!(error instanceof DefinitionError)) throw error;
          printProblems(path, error.problems);
          return;
        }
        const m = engine.manifest;
        await writeStdout(
          `Valid: ${count(m.semantic_models.length, 'semantic model')}, ${count(m.metrics.length, 'metric')}, ` +
            `${count(m.saved_queries.length, 'saved query', 'saved queries')} in ${path}\n`,
        );
      }),
    );
}

function printProblems(path: string, problems: DefinitionProblem[]): void {
  process.stderr.write(
    `${count(problems.length, 'problem')} in ${path}:\n` + problems.map((p) => `  - ${formatProblem(p)}\n`).join(''),
  );
  process.exitCode = 1;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
