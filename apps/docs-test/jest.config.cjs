// The examples and the demo model run under ts-jest like the packages' specs; the
// browser test (site.spec.ts) drives Debian's chromium through playwright-core.
module.exports = { ...require('../../jest.preset.cjs'), testTimeout: 240000 };
