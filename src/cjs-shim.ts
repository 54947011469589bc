// import.meta.url in the CommonJS builds: tsup.config.ts injects this module there and defines
// import.meta.url as importMetaUrl. It is the module's own file URL, made by pathToFileURL, so a
// path with '#', '%', spaces or a Windows drive letter is still the same path. Outside Node (a
// bundle for a browser) it is undefined: nothing that needs it runs there.
const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
const url = builtin?.('node:url') as { pathToFileURL(path: string): URL } | undefined;

export const importMetaUrl = (typeof __filename === 'string' && url ? url.pathToFileURL(__filename).href : undefined) as string;
