/** Builds the CDK app: the stage's settings from context, its one stack, and the cdk-nag checks. */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStageSettings, type StageSettings } from './settings';
import { SyncServiceStack } from './sync-service-stack';

export interface SyncApp {
  stack: SyncServiceStack;
  settings: StageSettings;
}

/**
 * Adds the stage's stack to `app` and registers AWS Solutions checks, which run on every synth
 * and fail it on any finding not acknowledged next to the construct it concerns.
 */
export function buildSyncApp(app: App): SyncApp {
  const settings = readStageSettings(app.node);
  const stack = new SyncServiceStack(app, settings.resourcePrefix, {
    settings,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stack, settings };
}
