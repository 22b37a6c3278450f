import { describe, expect, it } from 'vitest';
import { findings, messages, service, suppress, suppressed, withChanged } from './fixtures';

describe('servicemonitor-selects-service (AII-R050)', () => {
  it('passes a ServiceMonitor whose selector matches the internal Service', () => {
    expect(findings(service(), 'AII-R050')).toEqual([]);
  });

  it('refuses a selector no Service of its namespaces carries', () => {
    const objects = withChanged('ServiceMonitor', (sm) => {
      sm.spec.selector.matchLabels.role = 'interna';
    });
    expect(messages(objects, 'AII-R050')).toEqual(['spec.selector selects none of the Services it can see (Service shop/llm-lb, Service shop/llm-internal); match the labels of the Service to scrape']);
  });

  it('looks only in the namespaces of namespaceSelector', () => {
    const objects = withChanged('ServiceMonitor', (sm) => {
      sm.spec.namespaceSelector = { matchNames: ['elsewhere'] };
    });
    expect(findings(objects, 'AII-R050')).toEqual([]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('ServiceMonitor', (sm) => {
      sm.spec.selector.matchLabels.role = 'none';
      suppress(sm, ['AII-R050'], 'the Service comes from another chart');
    });
    expect(suppressed(objects, 'AII-R050').map((f) => f.reason)).toEqual(['the Service comes from another chart']);
  });
});

describe('servicemonitor-port-exists (AII-R051)', () => {
  it('passes an endpoint port that names a port of the selected Service', () => {
    expect(findings(service(), 'AII-R051')).toEqual([]);
  });

  it('refuses a port name the Service does not have', () => {
    const objects = withChanged('ServiceMonitor', (sm) => {
      sm.spec.endpoints[0].port = 'metric';
    });
    expect(messages(objects, 'AII-R051')).toEqual(['spec.endpoints[0].port ("metric") is not a port name of Service shop/llm-internal (its ports: http, metrics); Prometheus gets no target: use one of them']);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('ServiceMonitor', (sm) => {
      sm.spec.endpoints[0].port = 'web';
      suppress(sm, ['AII-R051'], 'port added by a mutating webhook');
    });
    expect(suppressed(objects, 'AII-R051').map((f) => f.reason)).toEqual(['port added by a mutating webhook']);
  });
});
