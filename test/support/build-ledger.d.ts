/** Compiles src/ into dist-test/ unless an up-to-date build is there; resolves with dist-test/main.js. */
export declare const buildLedger: () => Promise<string>;
