// PURE text rendering of explanations and checks, for the demo, the CLI and messages.
import type { CheckResult, Explanation } from './explain.js';

/**
 * A readable, multi-line account of what a call needs (and, given a check, what is missing).
 *
 * @example
 * console.log(formatExplanation(explain('customers.list', { expand: ['data.default_source'] })))
 */
export function formatExplanation(explanation: Explanation, result?: CheckResult): string {
  const lines: string[] = [];
  const target = explanation.route
    ? `${explanation.route.method} ${explanation.route.host ? `https://${explanation.route.host}` : ''}${explanation.route.path}`
    : 'no known route';
  lines.push(`${explanation.methodId ?? target}  (${target}) — ${explanation.status}`);
  if (explanation.status !== 'mapped' && explanation.reason) lines.push(`  ${explanation.reason}`);
  const missing = new Set(result?.missing.map((m) => m.because + m.anyOf.join()));
  for (const req of explanation.requirements) {
    const ok = result?.satisfied.find((s) => s.because === req.because && s.anyOf.join() === req.anyOf.join());
    const mark = !result ? '•' : ok ? '✓' : missing.has(req.because + req.anyOf.join()) ? '✗' : '•';
    const by = ok ? `  (granted by ${ok.satisfiedBy}${ok.satisfiedBy !== ok.via ? `, which implies ${ok.via}` : ''})` : '';
    lines.push(`  ${mark} ${req.because}: ${req.anyOf.join(' or ')}${by}`);
    if (ok?.uncoveredCandidates?.length) lines.push(`      not covered when it holds: ${ok.uncoveredCandidates.join(', ')}`);
  }
  for (const u of explanation.unknowns) lines.push(`  ? ${u.because}: unknown — ${u.reason}`);
  for (const why of explanation.invalid ?? []) lines.push(`  ✗ refused: ${why}`);
  if (explanation.refused)
    lines.push(`  ✗ refused by Stripe for every app: ${explanation.refused.reason} (${explanation.refused.source}). Instead: ${explanation.refused.instead}`);
  if (result) {
    // The verdict check() reports (verdictOf), as every surface does: advice only when missing.
    const v = result.detail;
    const add = v.advice.map((p) => `"${p}"`).join(', ');
    const outcome: Record<typeof v.kind, string> = {
      allowed: '  → allowed',
      invalid: '  → refused before sending',
      refused: '  → refused: no permission allows it',
      missing: `  → rejected: add ${add}${v.unknowns.length ? ' (and see the unknowns above)' : ''}`,
      unknown: '  → not allowed: it cannot be checked (see the unknowns above)',
    };
    lines.push(outcome[v.kind]);
  }
  return lines.join('\n');
}
