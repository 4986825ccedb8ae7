/**
 * Alarms on what needs a person: a function erroring, the API answering 5xx, a dead-letter queue
 * filling, a sync run failing. All notify one SNS topic, encrypted with a customer managed key
 * because CloudWatch cannot publish to a topic under the AWS managed SNS key, and whose policy
 * lets CloudWatch publish on behalf of this stage's alarms only.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function';

/** One bad minute is worth a look: every alarm fires on the first occurrence in a period. */
const ALARM_PERIOD = Duration.minutes(5);
const FIRST_OCCURRENCE = 1;
/** KMS waits this long before deleting a key of a torn-down dev stack. */
const KEY_DELETION_WINDOW = Duration.days(7);
const CLOUDWATCH = new ServicePrincipal('cloudwatch.amazonaws.com');

export interface MonitoringProps {
  httpApi: IHttpApi;
  functions: Readonly<Record<string, AppFunction>>;
  deadLetterQueues: Readonly<Record<string, Queue>>;
  failedRuns: { namespace: string; metricName: string };
  alarmEmail: string | null;
  isProduction: boolean;
  /** Every alarm's name starts with `<resourcePrefix>-`, which the topic policy admits. */
  resourcePrefix: string;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

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

    const alarm = (alarmId: string, metric: IMetric, description: string): void => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${props.resourcePrefix}-${alarmId}`,
        metric,
        threshold: FIRST_OCCURRENCE,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
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
    alarm(
      'failed-runs',
      new Metric({ namespace: props.failedRuns.namespace, metricName: props.failedRuns.metricName, period: ALARM_PERIOD, statistic: 'Sum' }),
      'A sync run finished with status failed (SyncRunFinished events are kept in the failed-runs log group)',
    );
  }
}
