import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One metrics registry per running app (tests start several in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'silkgate_' });
  const httpDuration = new Histogram({
    name: 'silkgate_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const registryWrites = new Counter({
    name: 'silkgate_registry_writes_total',
    help: 'Enterprise registry writes by action',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  const intakeDocuments = new Counter({
    name: 'silkgate_intake_documents_total',
    help: 'Documents answered by the intake, by outcome (accepted, replayed, refused, discarded, malformed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const matchDecision = new Histogram({
    name: 'silkgate_match_decision_seconds',
    help: 'Time from a message\'s documents being stored to the commit of the match decisions they complete',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return { registry, httpDuration, registryWrites, intakeDocuments, matchDecision };
}

export type Metrics = ReturnType<typeof createMetrics>;
