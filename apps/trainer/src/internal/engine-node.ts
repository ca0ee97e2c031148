/**
 * The engine's Node-only API. Node resolves '@infomax/engine' to its Node entry
 * (the `node` export condition), which adds model folders, atomic writes
 * and kernel threads; TypeScript's node10 resolution sees only the browser types,
 * hence the typed require.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const engineNode = require('@infomax/engine') as typeof import('@infomax/engine/dist/node');

export const { saveModel, loadModel, writeFileAtomic, kernelThreads, useKernelThreads } = engineNode;
