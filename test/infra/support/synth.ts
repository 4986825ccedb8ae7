/**
 * Synthesizes the CDK app the way `npm run synth` does (cdk.json's feature flags, the stage's
 * context, cdk-nag registered by buildSyncApp) into a temporary directory, and offers readers
 * over the template that name resources by the constructs that made them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../../../infra/function-catalog';
import { buildSyncApp } from '../../../infra/sync-app';
import type { SyncServiceStack } from '../../../infra/sync-service-stack';

/** A small built admin console (index.html and one hashed file), so infra tests need no Vite build. */
export const CONSOLE_FIXTURE_DIR = path.join(PROJECT_ROOT, 'test/infra/support/console-dist');

export interface SynthOptions {
  context?: Record<string, unknown>;
  /** Really bundle every function with esbuild (seconds); off, CDK leaves the assets unbuilt. */
  bundle: boolean;
  /** The built console the stack deploys; CONSOLE_FIXTURE_DIR by default. */
  consoleAssetsDir?: string;
}

export interface Synthesized {
  stack: SyncServiceStack;
  template: Template;
  outdir: string;
  /** The template file as written to the cloud assembly, asset metadata included. */
  writtenTemplate: { Resources: Record<string, { Metadata?: Record<string, string> }> };
  /** Resources of `type`, by logical id. */
  resources(type: string): Record<string, { Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
  /** The logical id of `construct`'s CloudFormation resource. */
  logicalId(construct: IConstruct): string;
}

/** cdk.json's context (the feature flags), so tests synthesize what the CLI synthesizes. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** Builds and synthesizes the app once; the app throws if cdk-nag reports an unacknowledged finding. */
export function synthSyncApp(options: SynthOptions): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'infra-synth-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext(),
      // Minifying proves nothing a test reads; every entry is still bundled by esbuild.
      minifyBundles: 'false',
      // The CLI turns asset metadata on; tests read it to find each function's bundle.
      'aws:cdk:enable-asset-metadata': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const { stack } = buildSyncApp(app, { consoleAssetsDir: options.consoleAssetsDir ?? CONSOLE_FIXTURE_DIR });
  app.synth();
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, any> };
  const logicalId = (construct: IConstruct): string => {
    const child = construct.node.defaultChild ?? construct;
    return Stack.of(construct).getLogicalId(child as never);
  };
  return {
    stack,
    template,
    outdir,
    writtenTemplate: JSON.parse(readFileSync(path.join(outdir, stack.templateFile), 'utf8')),
    resources: (type) => Object.fromEntries(Object.entries(json.Resources).filter(([, resource]) => resource.Type === type)),
    logicalId,
  };
}

type Intrinsic = string | number | boolean | null | { [key: string]: unknown } | unknown[];

/**
 * Renders a CloudFormation value as readable text: `<name.Attr>` for Fn::GetAtt, `<name>` for
 * Ref, pseudo parameters as `<AWS::Region>`, Fn::Join joined. `names` maps logical ids to names.
 */
export function renderValue(value: Intrinsic, names: ReadonlyMap<string, string>): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map((item) => renderValue(item as Intrinsic, names)).join(',');
  const ref = value.Ref;
  if (typeof ref === 'string') return ref.startsWith('AWS::') ? `<${ref}>` : `<${names.get(ref) ?? ref}>`;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<${names.get(String(getAtt[0])) ?? String(getAtt[0])}.${String(getAtt[1])}>`;
  const join = value['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, Intrinsic[]];
    return parts.map((part) => renderValue(part, names)).join(separator);
  }
  return JSON.stringify(value);
}
