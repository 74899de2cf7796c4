import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiFile } from '../../http/openapi/api-responses.js';
import { LedgerMetrics } from './ledger-metrics.js';

/** Prometheus' scrape target: the text exposition format of this app's registry. */
@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  @ApiOperation({
    operationId: 'scrapeMetrics',
    summary: 'Prometheus metrics',
    description:
      'The text exposition format: commands by type and outcome, events appended, request latency, projection position and lag, open and overdue erasures and grievances (docs/operations.md).',
  })
  @ApiFile('text/plain', 'Prometheus text format 0.0.4.')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.metrics.registry.metrics();
    void reply.header('content-type', this.metrics.registry.contentType).header('cache-control', 'no-store');
    return body;
  }
}
