import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

// mappings/ JSON becomes one JSON string per top-level key, parsed on first access: V8 parses a
// JSON string several times faster than the same data as an object literal, and a guard() that
// needs only the permissions then parses only those. (Start-up time is measured by npm run bench.)
const lazyJson: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'lazy-json',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, (args) => {
      const value = JSON.parse(readFileSync(args.path, 'utf8')) as Record<string, unknown>;
      const getters = Object.entries(value).map(
        // Apostrophes as \u0027: a literal holding both quotes would be printed as a template literal.
        ([key, v], i) =>
          `  get ${JSON.stringify(key)}() { return (cache[${i}] ??= JSON.parse(${JSON.stringify(JSON.stringify(v).replace(/'/g, '\\u0027'))})); },`,
      );
      return { contents: `const cache = [];\nexport default {\n${getters.join('\n')}\n};\n`, loader: 'js' };
    });
  },
};

// The bundlers' builds hold the map's text (mappings/generated/runtime.jsonl) as one string
// literal, in place of src/map-source.ts, which reads the file: a bundle has no package directory
// to read from. Node loads the main entry without it, and reads the file on the first lookup.
const embeddedMap: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'embedded-map',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]map-source\.ts$/ }, () => {
      const text = readFileSync('mappings/generated/runtime.jsonl', 'utf8');
      return {
        contents: `// The map's text, embedded for bundlers (src/map-source.ts reads it from the package instead).\nconst text = ${JSON.stringify(text)};\nexport function mapReader() {\n  return { read: (start, end) => text.slice(start, end) };\n}\n`,
        loader: 'js',
      };
    });
  },
};

// The user's own copies (stripe, msw, test runners, linters): never bundle them.
const external = [
  'stripe',
  'msw',
  'vitest',
  /^vitest\//,
  /^msw\//,
  'expect',
  /^@jest\//,
  'eslint',
  'typescript',
  /^typescript-eslint/,
  /^@typescript-eslint\//,
];

const entries = {
  index: 'src/index.ts',
  'testing/vitest': 'src/testing/vitest.ts',
  'testing/vitest-setup': 'src/testing/vitest-setup.ts',
  'testing/vitest-reporter': 'src/testing/vitest-reporter.ts',
  'testing/jest': 'src/testing/jest.ts',
  'testing/jest-setup': 'src/testing/jest-setup.ts',
  'testing/jest-reporter': 'src/testing/jest-reporter.ts',
  'testing/msw': 'src/testing/msw.ts',
  // The ESLint plugin: eslint, typescript-eslint and typescript are optional peers it never bundles.
  eslint: 'src/eslint/index.ts',
};
const { index, ...subpaths } = entries;

const js: Options = {
  format: ['esm', 'cjs'],
  // import.meta.url in the CommonJS build too (the map is read relative to it): our own shim, since tsup's builds the URL as 'file:' + __filename, which a path with
  // '#' or '%' turns into another path.
  shims: false,
  esbuildOptions(options, { format }) {
    if (format !== 'cjs') return;
    options.inject = [...(options.inject ?? []), 'src/cjs-shim.ts'];
    options.define = { ...options.define, 'import.meta.url': 'importMetaUrl' };
  },
  dts: false,
  clean: false,
  target: 'node20',
  sourcemap: false,
  external,
  esbuildPlugins: [lazyJson],
};

export default defineConfig([
  // The types of every entry, built together: one declaration of each type, shared by all.
  { entry: entries, format: ['esm', 'cjs'], dts: { only: true }, clean: false, target: 'node20', external },
  // The main entry as ONE file per format: what every process that guards a client loads at
  // start. Each extra module file costs about a millisecond of import (resolve, read, compile).
  // Its state that other copies must see (the install record, the recorder) lives on globalThis.
  // Node's build reads the map from its file; the bundlers' build (the `module` and `browser`
  // export conditions) embeds it.
  { ...js, entry: { index }, splitting: false },
  { ...js, entry: { 'embedded/index': index }, splitting: false, esbuildPlugins: [lazyJson, embeddedMap] },
  // The subpaths share chunks (the map is shipped once for them, not once per subpath). They
  // embed the map: msw handlers and test helpers are bundled for browsers too.
  { ...js, entry: subpaths, splitting: true, esbuildPlugins: [lazyJson, embeddedMap] },
  // The bin, built once: ESM, no types (nothing imports it). Its #! line is kept by esbuild.
  { ...js, entry: { cli: 'src/cli/index.ts' }, format: ['esm'], shims: false, splitting: true },
]);
