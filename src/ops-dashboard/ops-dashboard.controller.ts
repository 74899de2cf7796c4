import { Controller, Get, Logger, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LedgerError } from '../domain/ledger-error.js';
import { ApiFile } from '../http/openapi/api-responses.js';
import { loadOpsAssets, opsAssetsDir, type OpsAsset, type OpsAssetName } from './ops-assets.js';

/**
 * The page allows nothing but its own origin: the HTML, one script and one stylesheet, all
 * served here, with no inline script or style (charts are SVG elements built by the script).
 */
export const OPS_CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * GET /ops: the ops dashboard (docs/operations.md). Three fixed files, so no path from the
 * request ever reaches the file system. The page carries no data: it reads the JSON API with
 * the key the user enters.
 */
@ApiTags('ops')
@Controller('ops')
export class OpsDashboardController {
  private readonly logger = new Logger('OpsDashboard');
  private readonly assets: Map<OpsAssetName, OpsAsset>;

  constructor() {
    const dir = opsAssetsDir(import.meta.url);
    const loaded =
      dir === undefined ? { assets: new Map<OpsAssetName, OpsAsset>(), missing: ['public/ops (no package root)'] } : loadOpsAssets(dir);
    this.assets = loaded.assets;
    if (loaded.missing.length > 0) this.logger.warn(`ops dashboard unavailable, missing: ${loaded.missing.join(', ')}`);
  }

  @Get()
  @ApiOperation({
    operationId: 'getOpsDashboard',
    summary: 'The ops dashboard (a page for the browser)',
    description: 'Static HTML; the page reads the JSON API with the ops key the user enters. No key needed for the page itself.',
  })
  @ApiFile('text/html', 'The page.', [404])
  page(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html');
  }

  @Get('dashboard.js')
  @ApiOperation({ operationId: 'getOpsDashboardScript', summary: 'The ops dashboard’s script' })
  @ApiFile('text/javascript', 'The script.', [404])
  script(@Res() reply: FastifyReply): void {
    this.send(reply, 'dashboard.js');
  }

  @Get('dashboard.css')
  @ApiOperation({ operationId: 'getOpsDashboardStylesheet', summary: 'The ops dashboard’s stylesheet' })
  @ApiFile('text/css', 'The stylesheet.', [404])
  stylesheet(@Res() reply: FastifyReply): void {
    this.send(reply, 'dashboard.css');
  }

  private send(reply: FastifyReply, name: OpsAssetName): void {
    const asset = this.assets.get(name);
    if (asset === undefined) throw new LedgerError('not-found', 'The ops dashboard is not installed on this server.');
    void reply
      .header('content-type', asset.contentType)
      .header('content-security-policy', OPS_CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      // Small files that change with a deploy: always revalidated, never stale after an upgrade.
      .header('cache-control', 'no-cache')
      .send(asset.body);
  }
}
