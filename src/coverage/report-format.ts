// PURE renderings of a coverage report: a terminal summary and a markdown comment.
import type { CoverageReport } from './report.js';
import { noun, paint, plural } from '../common/text.js';

export interface FormatOptions {
  /** ANSI colors (the CLI and reporter pass `true` only on a TTY). */
  readonly color?: boolean;
  /** At most this many tests or calls listed per line. Default 3. */
  readonly maxListed?: number;
}

const listed = (xs: readonly string[], max: number) => (xs.length > max ? `${xs.slice(0, max).join(', ')}, … (+${xs.length - max})` : xs.join(', '));

/**
 * The terminal summary.
 *
 * @example
 * console.log(formatReportText(report, { color: process.stdout.isTTY }))
 */
export function formatReportText(report: CoverageReport, options: FormatOptions = {}): string {
  const { color, maxListed = 3 } = options;
  const { green, red, yellow, dim, bold } = paint(color);
  const lines = [bold(`Stripe permission coverage — ${plural(report.totals.tests, 'test')}, ${plural(report.totals.checks, 'guarded call')}`)];
  const width = Math.max(0, ...report.declared.map((d) => d.length));
  lines.push('', `Declared permissions (${report.declared.length}):`);
  for (const d of report.declared) {
    const u = report.used[d];
    lines.push(
      u
        ? `  ${green('✓')} ${d.padEnd(width)}  used by ${plural(u.calls, 'call')} in ${plural(u.tests.length, 'test')}`
        : `  ${yellow('·')} ${d.padEnd(width)}  ${yellow('unused in tests')}`,
    );
  }
  if (report.undeclared.length) {
    lines.push('', red(`Required but not declared (${report.undeclared.length}):`));
    for (const u of report.undeclared) {
      lines.push(`  ${red('✗')} ${u.permission} — ${listed(u.calls, maxListed)}${u.tests.length ? dim(`  (tests: ${listed(u.tests, maxListed)})`) : ''}`);
    }
  }
  const expected = report.expectedRejections ?? [];
  if (expected.length) {
    lines.push('', `Expected rejections (${expected.length}): asserted by tests, not counted as missing`);
    for (const e of expected)
      lines.push(`  ${dim('⊘')} ${e.permission} — ${listed(e.calls, maxListed)}${e.tests.length ? dim(`  (tests: ${listed(e.tests, maxListed)})`) : ''}`);
  }
  const refused = (report.refused ?? []).filter((f) => !f.invalid);
  const invalid = (report.refused ?? []).filter((f) => f.invalid);
  const refusedLine = (f: (typeof refused)[number]) =>
    `  ${red('⊗')} ${f.method} — ${f.reason}${f.tests.length ? dim(`  (tests: ${listed(f.tests, maxListed)})`) : ''}`;
  if (refused.length) {
    lines.push('', red(`Refused by Stripe for every app (${refused.length}): no permission allows these; change the code`));
    for (const f of refused) lines.push(refusedLine(f));
  }
  if (invalid.length) {
    lines.push('', red(`Refused before sending (${invalid.length}): they name no single endpoint or expand path; no permission allows these`));
    for (const f of invalid) lines.push(refusedLine(f));
  }
  if (report.unknown.length) {
    lines.push('', yellow(`Unknown to the map (${report.unknown.length}): sent unchecked; declare what they need yourself`));
    for (const u of report.unknown) lines.push(`  ? ${u.method}: ${u.because === u.method ? '' : `${u.because}: `}${u.reason}`);
  }
  if (report.writeForRead.length) {
    lines.push('', `Write permissions used for reads (${report.writeForRead.length}):`);
    for (const w of report.writeForRead) {
      lines.push(`  ! ${w.permission} satisfied reads (${listed(w.calls, maxListed)}): add ${w.read} for a portable manifest (strictReads)`);
    }
  }
  const unused = report.unusedInTests.length;
  lines.push(
    '',
    dim(
      `${plural(report.undeclared.length, 'missing permission')}, ${unused} declared ${noun(unused, 'permission')} unused in tests, ${plural(report.unknown.length, 'unknown')}.`,
    ),
  );
  return lines.join('\n');
}

/**
 * A markdown summary for a pull-request comment.
 *
 * @example
 * writeFileSync('coverage.md', formatReportMarkdown(report))
 */
export function formatReportMarkdown(report: CoverageReport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    '### Stripe permission coverage',
    '',
    `${plural(report.totals.tests, 'test')}, ${plural(report.totals.checks, 'guarded call')}.`,
    '',
    '| permission | status | calls | tests |',
    '|---|---|---:|---:|',
  ];
  for (const d of report.declared) {
    const u = report.used[d];
    out.push(u ? `| \`${d}\` | ✅ used | ${u.calls} | ${u.tests.length} |` : `| \`${d}\` | ⚠️ unused in tests | 0 | 0 |`);
  }
  for (const u of report.undeclared) out.push(`| \`${u.permission}\` | ❌ required, not declared | ${u.calls.length} | ${u.tests.length} |`);
  if (report.undeclared.length) {
    out.push('', '<details><summary>Calls that need undeclared permissions</summary>', '');
    for (const u of report.undeclared) out.push(`- \`${u.permission}\`: ${u.calls.map((c) => `\`${esc(c)}\``).join(', ')}`);
    out.push('', '</details>');
  }
  const expected = report.expectedRejections ?? [];
  if (expected.length) {
    out.push('', `**Expected rejections** (${expected.length}, asserted by tests):`, '');
    for (const e of expected) out.push(`- \`${e.permission}\`: ${e.calls.map((c) => `\`${esc(c)}\``).join(', ')}`);
  }
  const refused = (report.refused ?? []).filter((f) => !f.invalid);
  const invalid = (report.refused ?? []).filter((f) => f.invalid);
  if (refused.length) {
    out.push('', `**Refused by Stripe for every app** (${refused.length}, no permission allows them):`, '');
    for (const f of refused) out.push(`- \`${esc(f.method)}\` — ${esc(f.reason)}`);
  }
  if (invalid.length) {
    out.push('', `**Refused before sending** (${invalid.length}, no permission allows them):`, '');
    for (const f of invalid) out.push(`- \`${esc(f.method)}\` — ${esc(f.reason)}`);
  }
  if (report.unknown.length) {
    out.push('', `**Unknown to the map** (${report.unknown.length}):`, '');
    for (const u of report.unknown) out.push(`- \`${esc(u.method)}\` — ${esc(u.reason)}`);
  }
  if (report.writeForRead.length) {
    out.push('', '**Write permissions used for reads:**', '');
    for (const w of report.writeForRead)
      out.push(`- \`${w.permission}\` satisfied reads (${w.calls.map((c) => `\`${c}\``).join(', ')}); add \`${w.read}\` for a portable manifest`);
  }
  return `${out.join('\n')}\n`;
}
