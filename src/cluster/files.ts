/**
 * Where the cluster's thread entry is. esbuild bundles this module either into an entry under
 * `dist/cluster/` or into a shared chunk at the root of `dist/` (see scripts/bundle.mjs), and
 * from source it sits in `src/cluster/`: the URL is computed from wherever this code ended up.
 */
const here = import.meta.url;
const EXTENSION = here.endsWith('.ts') ? '.ts' : '.js';
const IN_CLUSTER_DIR = /\/cluster\/[^/]*$/.test(new URL(here).pathname);

/** The worker-thread entry that runs function targets on a worker host. */
export const FUNCTION_WORKER = new URL(`${IN_CLUSTER_DIR ? './' : './cluster/'}function-worker${EXTENSION}`, here);
