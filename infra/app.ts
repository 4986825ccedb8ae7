/** CDK entry (cdk.json): `npm run synth -- -c stage=dev|prod`, `npx cdk deploy -c stage=...`. */
import { App } from 'aws-cdk-lib';
import { buildSyncApp } from './sync-app';

buildSyncApp(new App());
