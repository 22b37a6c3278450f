/*
 * The Grafana Foundation SDK publishes its modules only through package.json "exports"
 * subpaths (`@grafana/grafana-foundation-sdk/dashboard`). Node resolves them at run time,
 * but this project's TypeScript resolution (moduleResolution node10) ignores "exports",
 * so these declarations point the subpaths at the type files under dist/. Types only:
 * nothing here is emitted.
 */
declare module '@grafana/grafana-foundation-sdk/dashboard' {
  export * from '@grafana/grafana-foundation-sdk/dist/dashboard';
}
declare module '@grafana/grafana-foundation-sdk/timeseries' {
  export * from '@grafana/grafana-foundation-sdk/dist/timeseries';
}
declare module '@grafana/grafana-foundation-sdk/stat' {
  export * from '@grafana/grafana-foundation-sdk/dist/stat';
}
declare module '@grafana/grafana-foundation-sdk/prometheus' {
  export * from '@grafana/grafana-foundation-sdk/dist/prometheus';
}
declare module '@grafana/grafana-foundation-sdk/common' {
  export * from '@grafana/grafana-foundation-sdk/dist/common';
}
