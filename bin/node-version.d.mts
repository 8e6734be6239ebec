/** Types of node-version.mjs (plain JavaScript: it runs before tsx is registered). */
export declare const MIN_NODE: string;
export declare function nodeVersionProblem(version?: string): string | null;
