/**
 * The event wiring of spec section 5: the nightly schedule starts daily-sync, and the bus routes
 * each TenantSyncRequested to tenant-sync. Runs are counted by the functions' own metrics
 * (shared/observability/metric-catalog.ts), and needs_review runs routed to people by monitoring.
 */
import { Duration } from 'aws-cdk-lib';
import { type EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DomainEventType, EVENT_SOURCE } from '#domain/events';
import type { AppFunction } from './app-function';
import { deadLetterQueue } from './dead-letter-queue';

const TENANT_SYNC_REQUESTED: DomainEventType = 'TenantSyncRequested';

/** EventBridge's own delivery retries, before the event goes to the dead-letter queue. */
const DELIVERY_RETRY_ATTEMPTS = 4;
const DELIVERY_MAX_EVENT_AGE = Duration.hours(2);

export interface EventRoutingProps {
  bus: EventBus;
  dailySync: AppFunction;
  tenantSync: AppFunction;
  nightlySyncSchedule: string;
}

export class EventRouting extends Construct {
  readonly nightlySchedule: Rule;
  readonly tenantSyncRule: Rule;
  /** Events EventBridge could not deliver to daily-sync or tenant-sync. */
  readonly deliveryFailures: Queue;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.deliveryFailures = deadLetterQueue(this, 'DeliveryFailures', 'events EventBridge could not deliver to daily-sync or tenant-sync');
    const deliveryOptions = {
      retryAttempts: DELIVERY_RETRY_ATTEMPTS,
      maxEventAge: DELIVERY_MAX_EVENT_AGE,
      deadLetterQueue: this.deliveryFailures,
    };

    // Scheduled rules live on the default bus; EventBridge evaluates their cron in UTC.
    this.nightlySchedule = new Rule(this, 'NightlySync', {
      description: 'Starts the nightly sync of every connected tenant',
      schedule: Schedule.expression(props.nightlySyncSchedule),
      targets: [new LambdaFunction(props.dailySync.function, deliveryOptions)],
    });

    this.tenantSyncRule = new Rule(this, 'TenantSyncRequested', {
      description: 'Routes each TenantSyncRequested to the tenant-sync function',
      eventBus: props.bus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [TENANT_SYNC_REQUESTED] },
      targets: [new LambdaFunction(props.tenantSync.function, deliveryOptions)],
    });
  }
}
