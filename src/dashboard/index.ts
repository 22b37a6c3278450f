export * from './input';
export * from './model';
export * from './build-dashboard';
export type { PanelQuery } from './queries';
export { RATE_INTERVAL, allowedErrorRatio, allowedErrorPercent } from './queries';
