/** Helpers for cdk-nag acknowledgements that must name a finding exactly. */
import { type Stack, Token } from 'aws-cdk-lib';

const pseudo = (value: string, name: string): string => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);

/**
 * An ARN of `stack`'s account and region as cdk-nag spells it in a finding id: unresolved
 * pseudo parameters as `<AWS::Region>` and the like, known values as they are.
 */
export function nagArnText(stack: Stack, service: string, resource: string): string {
  return `arn:${pseudo(stack.partition, 'Partition')}:${service}:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:${resource}`;
}
