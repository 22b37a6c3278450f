import { App } from 'cdk8s';
import { InferencePlatformChart } from '../../src';
import { opifexPlatform } from './spec';

/** Adds the seed 003 platform to `app` as the chart `opifex`. */
export function opifex(app: App): InferencePlatformChart {
  return new InferencePlatformChart(app, 'opifex', { spec: opifexPlatform });
}
