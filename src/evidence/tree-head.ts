export interface TreeHead {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly timestamp: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Base64 Ed25519 signature over the RFC 8785 canonical JSON of {treeSize, rootHash, timestamp}. */
  readonly signature: string;
}
