/** Jest's global teardown: a build the global setup started ends before Jest does, lock released. */
export default async () => {
  await globalThis.ledgerBuild;
};
