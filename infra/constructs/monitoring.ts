/**
 * Alarms on what needs a person: a function erroring, the API answering 5xx, a dead-letter queue
 * filling, too many sync runs failing, Intacct refusing requests for their rate. All notify one SNS
 * topic, encrypted with a customer managed key because CloudWatch cannot publish to a topic under
 * the AWS managed SNS key, and whose policy lets CloudWatch publish on behalf of this stage's
 * alarms only. A run that ends needs_review is no alarm, but needs a person too: the bus rule
 * NeedsReview sends a readable note of it to the same topic.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, type MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, type IEventBus, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DomainEventType, EVENT_SOURCE } from '#domain/events';
import type { RunStatus } from '#domain/runs';
import type { AppFunction } from './app-function';
import { percentOf, type ServiceMetrics } from './service-metrics';

/** One bad minute is worth a look: errors and dead letters alarm on the first occurrence in a period. */
const ALARM_PERIOD = Duration.minutes(5);
const FIRST_OCCURRENCE = 1;

/**
 * Failed-run rate: RunsFailed / RunsFinished over an hour, the window in which the nightly fan-out
 * finishes. Above 20% something shared is wrong (the sender's credentials, Intacct, the PSA, a
 * bug), not one tenant's data. Below 5 finished runs the rate reads 0, so one failed run of a
 * quiet hour does not page: the run history shows it, and a run that crashes still trips its
 * function's error alarm.
 */
export const FAILED_RUN_RATE = { period: Duration.hours(1), percent: 20, minimumFinishedRuns: 5 } as const;

/**
 * 429 storm: IntacctThrottled / IntacctRequests (retries included) above 20% in two 5-minute
 * periods running. The connector backs off and retries a 429 (honouring Retry-After), so a few are
 * routine when tenant syncs share the sender; one request in five refused for ten minutes means
 * runs are slowing towards their deadline and the concurrency or the sender's limit needs a look.
 * Below 20 requests in 5 minutes the rate reads 0: a handful of requests says nothing.
 */
const INTACCT_THROTTLE_STORM = { period: Duration.minutes(5), percent: 20, minimumRequests: 20, evaluationPeriods: 2 } as const;

/** The failed-run rate as the alarm reads it; the dashboard draws the same line. */
export function failedRunRate(metrics: ServiceMetrics): MathExpression {
  return percentOf({
    id: 'runs',
    label: 'failed runs % of finished',
    part: metrics.metric('runsFailed', {}, { period: FAILED_RUN_RATE.period }),
    whole: metrics.metric('runsFinished', {}, { period: FAILED_RUN_RATE.period }),
    minimumWhole: FAILED_RUN_RATE.minimumFinishedRuns,
  });
}

const SYNC_RUN_FINISHED: DomainEventType = 'SyncRunFinished';
const NEEDS_REVIEW: RunStatus = 'needs_review';
/** KMS waits this long before deleting a key of a torn-down dev stack. */
const KEY_DELETION_WINDOW = Duration.days(7);
const CLOUDWATCH = new ServicePrincipal('cloudwatch.amazonaws.com');

export interface MonitoringProps {
  httpApi: IHttpApi;
  functions: Readonly<Record<string, AppFunction>>;
  deadLetterQueues: Readonly<Record<string, Queue>>;
  /** The service's own metrics (the catalog), which the run and Intacct alarms read. */
  metrics: ServiceMetrics;
  /** The service bus, whose needs_review SyncRunFinished events are sent to the topic. */
  bus: IEventBus;
  alarmEmail: string | null;
  isProduction: boolean;
  /** Every alarm's name starts with `<resourcePrefix>-`, which the topic policy admits. */
  resourcePrefix: string;
}

/** What a threshold alarm needs beyond its metric; errors and dead letters use the defaults. */
interface AlarmOptions {
  /** Default: FIRST_OCCURRENCE. */
  threshold?: number;
  /** Default: greater than or equal to the threshold. */
  comparisonOperator?: ComparisonOperator;
  /** Default: 1. */
  evaluationPeriods?: number;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  /** Sends each SyncRunFinished with status needs_review to the topic, as a readable note. */
  readonly needsReviewRule: Rule;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the ${props.resourcePrefix} alarm topic`,
      enableKeyRotation: true,
      pendingWindow: KEY_DELETION_WINDOW,
      removalPolicy: props.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    key.grant(CLOUDWATCH, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Alarms', { displayName: `${props.resourcePrefix} alarms`, masterKey: key, enforceSSL: true });
    // A topic policy with only enforceSSL's Deny allows nobody: CloudWatch needs its own Allow.
    // CloudWatch tells SNS the alarm that publishes (aws:SourceArn) and its account
    // (aws:SourceAccount), the keys AWS recommends against the confused deputy: only this
    // account's alarms of this stage may publish here, never another account's.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisStageAlarmsToPublish',
        principals: [CLOUDWATCH],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${props.resourcePrefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, description: string, options: AlarmOptions = {}): void => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${props.resourcePrefix}-${alarmId}`,
        metric,
        threshold: options.threshold ?? FIRST_OCCURRENCE,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}-errors`, fn.function.metricErrors({ period: ALARM_PERIOD }), `${name} threw an error (see its log group)`);
    }
    // The api handler answers every failure itself (middy's error mapping), so Lambda Errors stays 0
    // for it; only API Gateway sees the 5xx. Sum >= 1 in 5 minutes rather than a rate, as for every
    // other alarm here: the API is built so that no input gets a 500 (the fuzz test), its traffic is
    // a PSA frontend's, too thin for a rate to mean much, and one unexpected 500 is a bug to read.
    // The metric counts every 5xx: the handler's own 500s, API Gateway's when the function crashed,
    // timed out or was throttled, and also the 502/504 the API answers by design when a tenant's
    // Intacct refuses (a mistyped password at connect included) or is slow. Those page too; the
    // access log's status and integrationError fields tell the three kinds apart.
    alarm(
      'api-5xx',
      props.httpApi.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
      'The HTTP API answered 5xx (see its access log: status and integrationError, then the api function logs)',
    );
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}-dead-letters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        `Messages wait in the ${name} dead-letter queue`,
      );
    }
    const m = props.metrics;
    alarm(
      'failed-run-rate',
      failedRunRate(m),
      `More than ${FAILED_RUN_RATE.percent}% of the sync runs finished in an hour failed (at least ${FAILED_RUN_RATE.minimumFinishedRuns} finished): see the dashboard's runs widgets, then the failed runs' error codes in the run history`,
      { threshold: FAILED_RUN_RATE.percent, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD },
    );
    alarm(
      'intacct-throttle-storm',
      percentOf({
        id: 'intacct',
        label: 'Intacct 429s % of requests',
        part: m.metric('intacctThrottled', {}, { period: INTACCT_THROTTLE_STORM.period }),
        whole: m.metric('intacctRequests', {}, { period: INTACCT_THROTTLE_STORM.period }),
        minimumWhole: INTACCT_THROTTLE_STORM.minimumRequests,
      }),
      `Intacct refused more than ${INTACCT_THROTTLE_STORM.percent}% of requests for their rate (429) for ${INTACCT_THROTTLE_STORM.evaluationPeriods * INTACCT_THROTTLE_STORM.period.toMinutes()} minutes: runs slow down towards their deadline`,
      {
        threshold: INTACCT_THROTTLE_STORM.percent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: INTACCT_THROTTLE_STORM.evaluationPeriods,
      },
    );

    // A run holding unlinks back waits for an admin; the note says which, and where to act. The
    // rule publishes with a role of its own (sns:Publish and the topic key's data key), so the
    // topic policy keeps admitting CloudWatch alarms only.
    const detail = (field: string): string => EventField.fromPath(`$.detail.${field}`);
    const notifier = new Role(this, 'NeedsReviewNotifier', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: `Publishes ${props.resourcePrefix} needs_review notes to the alarm topic`,
    });
    this.needsReviewRule = new Rule(this, 'NeedsReview', {
      description: 'Sends each SyncRunFinished with status needs_review to the alarm topic: held unlinks wait for an admin',
      eventBus: props.bus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [SYNC_RUN_FINISHED], detail: { status: [NEEDS_REVIEW] } },
      targets: [
        new SnsTopic(this.topic, {
          role: notifier,
          message: RuleTargetInput.fromText(
            `${props.resourcePrefix}: sync run ${detail('runId')} (${detail('runType')}) of tenant ${detail('tenantId')} ended ${NEEDS_REVIEW}: ` +
              'it holds unlinks back until an admin confirms them. Review the run in the admin console (Sync history) or with ' +
              `GET /sync-runs/${detail('runId')}/records, then confirm with POST /sync-runs/${detail('runId')}/confirm-unlinks.`,
          ),
        }),
      ],
    });
    Validations.of(notifier).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to a KMS-encrypted SNS topic needs the GenerateDataKey family on its key (SNS picks the variant); the grant is on the alarm topic key alone, to a role only the needs_review rule assumes.',
    });
  }
}
