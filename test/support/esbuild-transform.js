// Jest transform: strips TypeScript types with esbuild (no type-check here; `tsc --noEmit` runs
// before jest in `npm test`). Keeps the suite fast on 2 cores without an extra dependency.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
    });
    return { code: result.code };
  },
};
