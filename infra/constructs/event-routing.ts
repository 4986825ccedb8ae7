/**
 * The event wiring of spec section 5: the nightly schedule starts daily-sync, the bus routes each
 * TenantSyncRequested to tenant-sync, and every failed SyncRunFinished is kept in a log group
 * whose metric filter counts failed runs for the alarms.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule, Schedule, type EventBus, type IRuleTarget, type RuleTargetConfig } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, LogGroup, ResourcePolicy, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE, type DomainEventType } from '../../shared/domain/events';
import type { AppFunction } from './app-function';
import { deadLetterQueue } from './dead-letter-queue';

const TENANT_SYNC_REQUESTED: DomainEventType = 'TenantSyncRequested';
const SYNC_RUN_FINISHED: DomainEventType = 'SyncRunFinished';
const FAILED_RUN_STATUS = 'failed';

/** EventBridge's own delivery retries, before the event goes to the dead-letter queue. */
export const DELIVERY_RETRY_ATTEMPTS = 4;
const DELIVERY_MAX_EVENT_AGE = Duration.hours(2);

export const FAILED_RUNS_METRIC = { name: 'FailedRuns' } as const;

export interface EventRoutingProps {
  bus: EventBus;
  dailySync: AppFunction;
  tenantSync: AppFunction;
  nightlySyncSchedule: string;
  /** Namespace of the failed-runs metric. */
  metricNamespace: string;
  logRetention: RetentionDays;
  isProduction: boolean;
}

/** Delivers a rule's events to a log group (the L2 target would add a custom-resource Lambda). */
class LogGroupTarget implements IRuleTarget {
  constructor(private readonly logGroup: LogGroup) {}

  bind(): RuleTargetConfig {
    return {
      arn: Stack.of(this.logGroup).formatArn({
        service: 'logs',
        resource: 'log-group',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: this.logGroup.logGroupName,
      }),
    };
  }
}

export class EventRouting extends Construct {
  readonly nightlySchedule: Rule;
  readonly tenantSyncRule: Rule;
  /** Events EventBridge could not deliver to daily-sync or tenant-sync. */
  readonly deliveryFailures: Queue;
  readonly failedRunsLog: LogGroup;

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

    this.failedRunsLog = new LogGroup(this, 'FailedRuns', {
      retention: props.logRetention,
      removalPolicy: props.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new Rule(this, 'FailedRunFinished', {
      description: 'Keeps every failed SyncRunFinished event, which the FailedRuns metric counts',
      eventBus: props.bus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [SYNC_RUN_FINISHED], detail: { status: [FAILED_RUN_STATUS] } },
      targets: [new LogGroupTarget(this.failedRunsLog)],
    });
    // The policy the EventBridge console would write for a log group target, scoped to this log group.
    new ResourcePolicy(this, 'FailedRunsDelivery', {
      policyStatements: [
        new PolicyStatement({
          principals: [new ServicePrincipal('events.amazonaws.com'), new ServicePrincipal('delivery.logs.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.failedRunsLog.logGroupArn],
        }),
      ],
    });
    this.failedRunsLog.addMetricFilter('FailedRunsMetric', {
      filterPattern: FilterPattern.stringValue('$.detail.status', '=', FAILED_RUN_STATUS),
      metricNamespace: props.metricNamespace,
      metricName: FAILED_RUNS_METRIC.name,
      metricValue: '1',
    });
  }
}
