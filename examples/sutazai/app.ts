import { App } from 'cdk8s';
import { InferencePlatformChart } from '../../src';
import { sutazaiPlatform, sutazaiTraefikPlatform } from './spec';

/** Adds the seed 002 platform to `app` twice: behind ingress-nginx (`sutazai`) and behind Traefik (`sutazai-traefik`). */
export function sutazai(app: App): InferencePlatformChart[] {
  return [new InferencePlatformChart(app, 'sutazai', { spec: sutazaiPlatform }), new InferencePlatformChart(app, 'sutazai-traefik', { spec: sutazaiTraefikPlatform })];
}
