// Bundles the extension, the CLI and the developer tools with esbuild, and copies the
// two WASM files the parser needs next to the bundles (they are loaded at run time by path).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm'), 'dist/tree-sitter-c.wasm');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // paths.ts falls back to require.resolve only when run unbundled (tests, bench from out/);
  // bundles always find the WASM files copied into dist/ above.
  logOverride: { 'require-resolve-not-external': 'silent' },
  // Our sources `import` web-tree-sitter, which would pick its ES module build; that build
  // needs import.meta.url, which a CommonJS bundle lacks. Its CommonJS build is the same code.
  plugins: [
    {
      name: 'web-tree-sitter-cjs',
      setup(build) {
        build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
      },
    },
  ],
};

// The bundles the .vsix ships lose whitespace and dead syntax (names stay, so stack traces
// read): the package must stay under its 20 MB budget beside the database.
const shipped = { ...common, minifyWhitespace: true, minifySyntax: true };

const builds = [
  // The extension is the only bundle that may see 'vscode'.
  { ...shipped, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The extension's checking thread: parser, database, checks. No 'vscode' external: it runs
  // in a worker thread, where importing it would fail, and this build fails first.
  { ...shipped, entryPoints: ['src/extension/worker/checkWorker.ts'], outfile: 'dist/checkWorker.js' },
  // No 'vscode' external here: a core module that imports it breaks this build.
  { ...shipped, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { ...common, entryPoints: ['scripts/build-data.ts'], outfile: 'dist/build-data.js' },
  { ...common, entryPoints: ['scripts/bench.ts'], outfile: 'dist/bench.js' },
  { ...common, entryPoints: ['scripts/oracle/main.ts'], outfile: 'dist/oracle.js' },
  { ...common, entryPoints: ['scripts/bench/kernelSelf.ts'], outfile: 'dist/bench-self.js' },
];

if (watch) {
  for (const options of builds) (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
