// Resolves `@stripe/ui-extension-sdk/<subpath>` to ui-extension-sdk.mjs (see offline.mjs).
const STUB = new URL('./ui-extension-sdk.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@stripe/ui-extension-sdk/')) return { url: STUB, shortCircuit: true };
  return next(specifier, context);
}
