/** Builds the CDK app: the stage's settings from context, its one stack, and the cdk-nag checks. */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStageSettings, type StageSettings } from './settings';
import { SyncServiceStack, type SyncServiceStackProps } from './sync-service-stack';

export interface SyncApp {
  stack: SyncServiceStack;
  settings: StageSettings;
}

/** What a caller may choose besides context: tests point the console at a small built fixture. */
export type SyncAppOptions = Pick<SyncServiceStackProps, 'consoleAssetsDir'>;

/**
 * Adds the stage's stack to `app` and registers AWS Solutions checks, which run on every synth
 * and fail it on any finding not acknowledged next to the construct it concerns.
 */
export function buildSyncApp(app: App, options: SyncAppOptions = {}): SyncApp {
  const settings = readStageSettings(app.node);
  const stack = new SyncServiceStack(app, settings.resourcePrefix, {
    ...options,
    settings,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stack, settings };
}
