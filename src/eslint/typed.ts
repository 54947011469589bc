// Stripe clients by type, with typescript-eslint's type information: any expression whose type is
// stripe-node's `Stripe` instance type (`new Stripe(…)`, a parameter or property typed `Stripe`,
// `withStripeContext(…)`, `guard(…)`, a factory's result) is a client, whatever its name.
import type * as ts from 'typescript';
import type { AstNode } from '../static/ast.js';
import type { ClientClassifier } from '../static/analyze.js';

/** The parts of typescript-eslint's parser services read here. */
export interface TypedServices {
  readonly program?: ts.Program | null;
  readonly esTreeNodeToTSNodeMap?: { get(node: never): ts.Node | undefined };
}

// ts.TypeFlags.Any and .Unknown: stable since TypeScript 2; not imported, so that linting without
// type information never loads the compiler.
const ANY_OR_UNKNOWN = 1 | 2;
/** A declaration from the stripe package (any version alias, or pnpm's store layout). */
const STRIPE_DECLARATION = /[\\/]node_modules[\\/]stripe(?:[-@][^\\/]*)?[\\/]/;

/** A classifier for the linted file, or undefined when the parser gave no type information. */
export function typeClassifier(services: TypedServices | undefined): ClientClassifier | undefined {
  const program = services?.program;
  const map = services?.esTreeNodeToTSNodeMap;
  if (!program || !map) return undefined;
  const checker = program.getTypeChecker();
  const verdicts = new WeakMap<ts.Type, 'client' | 'not' | 'unknown'>();
  const classify = (type: ts.Type, depth: number): 'client' | 'not' | 'unknown' => {
    if (type.flags & ANY_OR_UNKNOWN) return 'unknown';
    if (depth < 3 && (type.isUnion() || type.isIntersection())) {
      const parts = type.types.map((t) => classify(t, depth + 1));
      return parts.includes('client') ? 'client' : parts.includes('unknown') ? 'unknown' : 'not';
    }
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    if (symbol?.getName() !== 'Stripe') return 'not';
    // The constructor (`typeof Stripe`) carries the same symbol; only instances make requests.
    if (type.getConstructSignatures().length) return 'not';
    return symbol.getDeclarations()?.some((d) => STRIPE_DECLARATION.test(d.getSourceFile().fileName)) ? 'client' : 'not';
  };
  return (node: AstNode) => {
    const tsNode = map.get(node as never);
    if (!tsNode) return 'unknown';
    const type = checker.getTypeAtLocation(tsNode);
    let verdict = verdicts.get(type);
    if (!verdict) verdicts.set(type, (verdict = classify(type, 0)));
    return verdict;
  };
}
