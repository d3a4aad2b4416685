// Imported by cold-floor.mjs: an ES module with nothing in it.
export const empty = true;
