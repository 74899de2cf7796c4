import { applyDecorators, Controller, Get, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { ApiExtraModels, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, problemContent, PROBLEM_JSON } from '../../http/openapi/api-responses.js';
import { HealthProbeDto } from './health-probe.response.js';
import { ReadinessIndicators } from './readiness.indicators.js';

/**
 * Probes for an orchestrator (docs/operations.md), next to the detailed GET /health:
 * `live` answers while the process serves HTTP; `ready` while it can serve requests (both
 * stores answer, every projection follows the log). A 503 carries terminus' own body.
 */
/** 200 or 503, both with terminus' body; no key needed (route-access.ts). */
const ApiProbe = (operationId: string, summary: string, description: string) => {
  const content = { 'application/json': { schema: { $ref: getSchemaPath(HealthProbeDto) } } };
  return applyDecorators(
    ApiOperation({ operationId, summary, description }),
    ApiProduces('application/json', PROBLEM_JSON),
    ApiResponse({ status: 200, description: 'Up.', content }),
    ApiResponse({ status: 503, description: 'Down: the body names the failing checks.', content: { ...content, ...problemContent } }),
    ApiProblems([], {}, [503]),
  );
};

@ApiTags('ops')
@ApiExtraModels(HealthProbeDto)
@Controller('health')
export class HealthProbesController {
  private readonly logger = new Logger('Readiness');
  private wasReady: boolean | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  @Get('live')
  @ApiProbe('getLiveness', 'Liveness probe', 'Answers while the process serves HTTP. For an orchestrator; no key needed.')
  live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.probe(reply, []);
  }

  @Get('ready')
  @ApiProbe(
    'getReadiness',
    'Readiness probe',
    'Up when both stores answer and no projection has stopped. For an orchestrator; no key needed.',
  )
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const result = await this.probe(reply, [
      () => this.readiness.eventStore(),
      () => this.readiness.readStore(),
      () => this.readiness.projections(),
    ]);
    const ready = result.status === 'ok';
    // Logged when it changes, not on every probe.
    if (this.wasReady !== undefined && ready !== this.wasReady) {
      if (ready) this.logger.log('ready again');
      else this.logger.warn(`not ready: ${Object.keys(result.error ?? {}).join(', ') || result.status}`);
    }
    this.wasReady = ready;
    return result;
  }

  /** Terminus throws its 503; it is answered here as is, not turned into problem+json. */
  private async probe(reply: FastifyReply, checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    void reply.header('cache-control', 'no-store');
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
