import { Body, Controller, Delete, Inject, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../../access/access.guard.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { LedgerError } from '../../domain/ledger-error.js';
import type { SubscriptionCommand } from '../../domain/webhooks/subscription.commands.js';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { SubscriptionParams } from '../../http/subscription-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import { refusedTarget } from '../../platform/network-address.js';
import { MASTER_KEY, type MasterKey } from '../../privacy/master-key.js';
import { newWebhookSecret, WebhookSecretCipher } from '../../privacy/webhook-secrets.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import { ManageSubscriptionCommand, type SubscriptionCommandBody } from './manage-subscription.command.js';
import { ChangeSubscriptionDto, CreateSubscriptionDto, RotateSecretDto } from './manage-subscription.dto.js';
import { SubscriptionCommandAnswerDto, type SubscriptionCommandAnswer } from './subscription-answer.dto.js';

/**
 * The subscription commands. The checks that need the configuration or the network (the
 * erasure systems, where the URL resolves) are made here, before anything is decided; the
 * secret is generated and sealed here, so the decider only carries it.
 */
@ApiTags('webhooks')
@Controller('v1/tenants/:tenantId/subscriptions')
export class ManageSubscriptionController {
  private readonly secrets: WebhookSecretCipher;

  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(MASTER_KEY) masterKey: MasterKey,
  ) {
    this.secrets = new WebhookSecretCipher(masterKey);
  }

  @Post()
  @ApiOperation({
    operationId: 'createSubscription',
    summary: 'Subscribe a URL to events',
    description:
      'Writes `subscription-created` to the tenant’s subscription stream and answers the signing secret (`whsec_…`, Standard Webhooks), shown this once. A URL resolving to a loopback, link-local or private address is refused with 422 `unsafe-url` unless LEDGER_WEBHOOK_ALLOW_PRIVATE=true.',
  })
  @ApiCommand({ answer: SubscriptionCommandAnswerDto })
  async create(
    @Param() params: TenantParams,
    @Body() body: CreateSubscriptionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionCommandAnswer> {
    await this.checkUrl(body.url);
    this.checkSystems(body.erasureSystems);
    const subscriptionId = this.ids.newId();
    const secretId = this.ids.newId();
    return this.run(params, request, reply, {
      type: 'create-subscription',
      subscriptionId,
      settings: {
        url: body.url,
        eventTypes: body.eventTypes,
        description: body.description,
        erasureSystems: body.erasureSystems ?? [],
        recipientIds: body.recipientIds ?? [],
        paused: false,
      },
      secretId,
      sealedSecret: this.secrets.seal(newWebhookSecret(), params.tenantId, subscriptionId, secretId),
    });
  }

  @Patch(':subscriptionId')
  @ApiOperation({
    operationId: 'changeSubscription',
    summary: 'Pause, resume or change a subscription',
    description: 'Writes `subscription-changed` with the settings after the change; a change that changes nothing writes nothing (200).',
  })
  @ApiCommand({ answer: SubscriptionCommandAnswerDto, problems: [404] })
  async change(
    @Param() params: SubscriptionParams,
    @Body() body: ChangeSubscriptionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionCommandAnswer> {
    if (body.url !== undefined) await this.checkUrl(body.url);
    this.checkSystems(body.erasureSystems);
    return this.run(params, request, reply, { type: 'change-subscription', subscriptionId: params.subscriptionId, changes: body });
  }

  @Delete(':subscriptionId')
  @ApiOperation({
    operationId: 'deleteSubscription',
    summary: 'Delete a subscription',
    description: 'Writes `subscription-deleted`: nothing more is delivered to it; its deliveries stay listed.',
  })
  @ApiCommand({ answer: SubscriptionCommandAnswerDto, problems: [404] })
  delete(
    @Param() params: SubscriptionParams,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionCommandAnswer> {
    return this.run(params, request, reply, { type: 'delete-subscription', subscriptionId: params.subscriptionId });
  }

  @Post(':subscriptionId/secret-rotations')
  @ApiOperation({
    operationId: 'rotateSubscriptionSecret',
    summary: 'Rotate a subscription’s signing secret',
    description:
      'Writes `subscription-secret-rotated` and answers the new secret, shown this once. The secrets it replaces keep signing beside it (several `v1,` signatures in `webhook-signature`) until `previousSecretsExpireAt`.',
  })
  @ApiCommand({ answer: SubscriptionCommandAnswerDto, problems: [404] })
  rotate(
    @Param() params: SubscriptionParams,
    @Body() body: RotateSecretDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionCommandAnswer> {
    const secretId = this.ids.newId();
    return this.run(params, request, reply, {
      type: 'rotate-subscription-secret',
      subscriptionId: params.subscriptionId,
      secretId,
      sealedSecret: this.secrets.seal(newWebhookSecret(), params.tenantId, params.subscriptionId, secretId),
      overlapMs: body.overlapSeconds !== undefined ? body.overlapSeconds * 1000 : this.config.webhookSecretOverlapMs,
    });
  }

  private async run(
    params: TenantParams,
    request: FastifyRequest,
    reply: FastifyReply,
    command: SubscriptionCommand,
  ): Promise<SubscriptionCommandAnswer> {
    const built = this.requests.buildTenant(params, request, command);
    // Without X-Actor, the audit trail names the API key that asked.
    const actor = request.headers['x-actor'] === undefined ? `api-key:${principalOf(request).name}` : built.actor;
    const outcome = await this.metrics.observeCommand(command.type, () =>
      this.commandBus.execute(new ManageSubscriptionCommand({ ...built, actor })),
    );
    void reply.status(outcome.status);
    return this.shown(outcome.body);
  }

  /** The answer with the sealed secret opened: the one place a secret leaves the ledger. */
  private shown(body: SubscriptionCommandBody): SubscriptionCommandAnswer {
    const { sealedSecret, tenantId, ...rest } = body;
    if (sealedSecret === undefined || rest.secretId === undefined) return rest;
    return { ...rest, secret: this.secrets.open(sealedSecret, tenantId, rest.subscriptionId, rest.secretId) };
  }

  private async checkUrl(url: string): Promise<void> {
    const refused = await refusedTarget(url, this.config.webhookAllowPrivate);
    if (refused !== null) throw new LedgerError('unsafe-url', `url ${refused}.`, [{ field: 'url', message: `url ${refused}` }]);
  }

  private checkSystems(systems: readonly string[] | undefined): void {
    const unknown = (systems ?? []).filter((system) => !this.config.erasureSystems.includes(system));
    if (unknown.length === 0) return;
    throw new LedgerError('unknown-system', `Not configured erasure systems: ${unknown.join(', ')}.`, [
      { field: 'erasureSystems', message: `must each be one of ${this.config.erasureSystems.join(', ')}` },
    ]);
  }
}
