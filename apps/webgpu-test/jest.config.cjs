// One worker: every spec file drives the same software GPU, which already uses both cores.
// It is recycled after each spec file ('1MB' is always exceeded): Dawn's native module loads
// once per process, and jest gives each file a fresh module registry that cannot load it again.
// Run through `npm test` (swiftshader.cjs sets the Vulkan environment before Node starts).
module.exports = { ...require('../../jest.preset.cjs'), testTimeout: 300000, maxWorkers: 1, workerIdleMemoryLimit: '1MB' };
