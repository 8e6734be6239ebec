// The oldest Node.js Anyu runs on, checked before anything else loads so that an older
// one gets a sentence instead of a stack trace. 20.19 turned on require() of ES modules,
// which vite 8 (the dashboard build) needs, and so do @fastify/static (content-disposition 3)
// and fastify's light-my-request (cookie 2), both CommonJS requiring ES-module-only
// packages: on 20.18 the hub stops at start with ERR_REQUIRE_ESM.
export const MIN_NODE = '20.19.0';

/** Why `version` (default: this process's) cannot run Anyu, or null when it can. */
export function nodeVersionProblem(version = process.versions.node) {
  const have = version.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10));
  const need = MIN_NODE.split('.').map(Number);
  for (let i = 0; i < need.length; i += 1) {
    const h = have[i] ?? 0;
    if (Number.isNaN(h)) return `cannot read the Node.js version "${version}"; Anyu needs ${MIN_NODE} or newer`;
    if (h > need[i]) return null;
    if (h < need[i]) return `Anyu needs Node.js ${MIN_NODE} or newer (this is ${version}): install a current Node.js 20 or 22 LTS and run npm install again`;
  }
  return null;
}
