export * from './catalogue';
export * from './format';
export * from './input';
export * from './rules';
export * from './runbook';
