import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Dead letters wait the longest SQS allows, so a failure found after a holiday can still be replayed. */
const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * A queue that collects what could not be delivered or processed: encrypted, TLS only. `holds`
 * says whose failures land here; it becomes the acknowledgement of it having no DLQ itself.
 */
export function deadLetterQueue(scope: Construct, id: string, holds: string): Queue {
  const queue = new Queue(scope, id, {
    retentionPeriod: DEAD_LETTER_RETENTION,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SQS3',
    reason: `This queue is itself a dead-letter queue (${holds}); its messages are inspected and replayed by hand, never consumed.`,
  });
  return queue;
}
