import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { SubscriptionParams } from '../../http/subscription-params.dto.js';
import { SubscriptionsQuery, subscriptionView, type SubscriptionView } from './subscriptions.query.js';
import { SubscriptionDto, SubscriptionListDto } from './subscriptions.response.js';

@ApiTags('webhooks')
@Controller('v1/tenants/:tenantId/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsQuery) {}

  @Get()
  @ApiOperation({ operationId: 'listSubscriptions', summary: 'A tenant’s webhook subscriptions (never their secrets)' })
  @ApiRead(SubscriptionListDto, { description: 'Every subscription of the tenant, oldest first.' })
  async list(@Param() params: TenantParams): Promise<{ subscriptions: SubscriptionView[] }> {
    return { subscriptions: (await this.subscriptions.all(params.tenantId)).map(subscriptionView) };
  }

  @Get(':subscriptionId')
  @ApiOperation({ operationId: 'getSubscription', summary: 'One webhook subscription (never its secret)' })
  @ApiRead(SubscriptionDto, { description: 'The subscription.', problems: [400, 404] })
  async one(@Param() params: SubscriptionParams): Promise<SubscriptionView> {
    return subscriptionView(await this.subscriptions.one(params.tenantId, params.subscriptionId));
  }
}
