// `report <report.json…>`: merges coverage reports of shards or repeated runs and prints the
// summary. Exits 1 when some call needed a permission nothing declared, so CI can gate on it.
import { mergeReports, REPORT_SCHEMA, type CoverageReport } from '../coverage/report.js';
import { formatReportMarkdown, formatReportText } from '../coverage/report-format.js';
import { CliError, EXIT, str, type OptionSpec, type Parsed } from './args.js';
import { readJson, writeFileAtomic } from './files.js';
import { printJson, type Io } from './output.js';

export const name = 'report';
export const summary = 'Merge and print coverage reports';
export const options: OptionSpec = {
  out: { type: 'string' },
  markdown: { type: 'string' },
};
export const help = `Usage: stripe-permission-guard report <report.json...> [--out merged.json] [--markdown file.md]

Reads one or more coverage reports (from shards or repeated runs), merges them as if all their
checks had run together, and prints the summary.

Options:
  --out <file>       Write the merged report as JSON
  --markdown <file>  Write a markdown summary (for a pull-request comment)
  --json             Print the merged report as JSON

Exit codes: 0 every call was covered, 1 some call needed a permission no manifest declared,
2 an unreadable report (or not a coverage report) or a usage error.`;

/** Reads a report file, checking its schema so a wrong file fails here and not in the merge. */
export function readReport(path: string): CoverageReport {
  const value = readJson(path, 'report');
  const schema = value && typeof value === 'object' ? (value as { schema?: unknown }).schema : undefined;
  if (schema !== REPORT_SCHEMA) {
    throw new CliError(`${path} is not a coverage report: expected "schema": "${REPORT_SCHEMA}", got ${JSON.stringify(schema) ?? 'none'}.`);
  }
  return value as CoverageReport;
}

export function run({ values, positionals }: Parsed, io: Io): number {
  if (!positionals.length) throw new CliError('report needs at least one report file: stripe-permission-guard report <report.json...>');
  const merged = mergeReports(positionals.map(readReport));
  const out = str(values, 'out');
  const markdown = str(values, 'markdown');
  if (out) writeFileAtomic(out, `${JSON.stringify(merged, null, 2)}\n`);
  if (markdown) writeFileAtomic(markdown, formatReportMarkdown(merged));
  if (io.json) printJson(io, merged);
  else {
    io.out(formatReportText(merged, { color: io.color }));
    for (const [file, what] of [
      [out, 'merged report'],
      [markdown, 'markdown summary'],
    ] as const)
      if (file) io.out(`Wrote ${what} to ${file}.`);
  }
  return merged.undeclared.length ? EXIT.failed : EXIT.ok;
}
