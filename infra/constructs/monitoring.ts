/**
 * Alarms on what needs a person: a function erroring, a dead-letter queue filling, a sync run
 * failing. All notify one SNS topic, encrypted with a customer managed key because CloudWatch
 * cannot publish to a topic under the AWS managed SNS key.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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

export interface MonitoringProps {
  functions: Readonly<Record<string, AppFunction>>;
  deadLetterQueues: Readonly<Record<string, Queue>>;
  failedRuns: { namespace: string; metricName: string };
  alarmEmail: string | null;
  isProduction: boolean;
  resourcePrefix: string;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the ${props.resourcePrefix} alarm topic`,
      enableKeyRotation: true,
      pendingWindow: KEY_DELETION_WINDOW,
      removalPolicy: props.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Alarms', { displayName: `${props.resourcePrefix} alarms`, masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, description: string): void => {
      const created = new Alarm(this, alarmId, {
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
