import { Injectable } from '@nestjs/common';
import { ProjectionRunner } from '../runner/projection-runner.js';

/** api.md: a read waits at most 2 s for `atLeast`, then answers 503 read-model-lagging. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 2000;

@Injectable()
export class ReadFreshness {
  constructor(private readonly runner: ProjectionRunner) {}

  async ensure(projection: string, atLeast: number | undefined): Promise<void> {
    if (atLeast === undefined) return;
    await this.runner.waitFor(projection, atLeast, READ_YOUR_WRITES_TIMEOUT_MS);
  }
}
