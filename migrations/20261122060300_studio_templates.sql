-- Studio: the starter templates (product content, so a migration rather than a local seed: hosted
-- projects get them too). Three designs, one premium. Node data uses the shape /studio/analyze
-- prices: vcpus, memory_gb, gpu, gpu_count, replicas.

insert into studio.templates (name, description, category, is_premium, graph_data) values
(
  'Three-tier web application',
  'CDN and load balancer in front of a replicated API, with a cache and a primary/replica database.',
  'web',
  false,
  '{"viewport": {"x": 0, "y": 0, "zoom": 1},
    "nodes": [
      {"id": "cdn", "type": "cdn", "label": "CDN", "position": {"x": 0, "y": 0}, "data": {"technology": "CloudFront"}},
      {"id": "lb", "type": "load_balancer", "label": "Load balancer", "position": {"x": 250, "y": 0}, "data": {"technology": "nginx", "replicas": 2}},
      {"id": "api", "type": "api", "label": "API", "position": {"x": 500, "y": 0}, "data": {"technology": "Node.js", "replicas": 3, "vcpus": 2, "memory_gb": 4}},
      {"id": "cache", "type": "cache", "label": "Cache", "position": {"x": 750, "y": -120}, "data": {"technology": "Redis", "replicas": 2, "vcpus": 2, "memory_gb": 8}},
      {"id": "db", "type": "database", "label": "Database", "position": {"x": 750, "y": 120}, "data": {"technology": "PostgreSQL", "replicas": 2, "vcpus": 4, "memory_gb": 16}}
    ],
    "edges": [
      {"id": "cdn->lb", "source": "cdn", "target": "lb", "label": "HTTPS", "data": {}},
      {"id": "lb->api", "source": "lb", "target": "api", "label": "HTTP", "data": {}},
      {"id": "api->cache", "source": "api", "target": "cache", "label": "RESP", "data": {}},
      {"id": "api->db", "source": "api", "target": "db", "label": "SQL", "data": {}}
    ]}'::jsonb
),
(
  'Event-driven workers',
  'An API that queues jobs for a pool of background workers; both write to one database.',
  'backend',
  false,
  '{"viewport": {"x": 0, "y": 0, "zoom": 1},
    "nodes": [
      {"id": "api", "type": "api", "label": "API", "position": {"x": 0, "y": 0}, "data": {"technology": "Go", "replicas": 2, "vcpus": 2, "memory_gb": 4}},
      {"id": "queue", "type": "queue", "label": "Job queue", "position": {"x": 250, "y": 0}, "data": {"technology": "RabbitMQ", "replicas": 3}},
      {"id": "worker", "type": "worker", "label": "Workers", "position": {"x": 500, "y": 0}, "data": {"technology": "Go", "replicas": 4, "vcpus": 4, "memory_gb": 8}},
      {"id": "db", "type": "database", "label": "Database", "position": {"x": 250, "y": 150}, "data": {"technology": "PostgreSQL", "replicas": 2, "vcpus": 4, "memory_gb": 16}}
    ],
    "edges": [
      {"id": "api->queue", "source": "api", "target": "queue", "label": "publish", "data": {"async": true}},
      {"id": "queue->worker", "source": "queue", "target": "worker", "label": "consume", "data": {"async": true}},
      {"id": "api->db", "source": "api", "target": "db", "label": "SQL", "data": {}},
      {"id": "worker->db", "source": "worker", "target": "db", "label": "SQL", "data": {}}
    ]}'::jsonb
),
(
  'LLM inference platform',
  'A gateway in front of GPU inference servers with a vector store, a response cache and batch jobs on a queue.',
  'ai',
  true,
  '{"viewport": {"x": 0, "y": 0, "zoom": 1},
    "nodes": [
      {"id": "lb", "type": "load_balancer", "label": "Load balancer", "position": {"x": 0, "y": 0}, "data": {"replicas": 2}},
      {"id": "gateway", "type": "api", "label": "Inference gateway", "position": {"x": 250, "y": 0}, "data": {"technology": "Python", "replicas": 2, "vcpus": 4, "memory_gb": 16}},
      {"id": "inference", "type": "worker", "label": "Inference servers", "position": {"x": 500, "y": 0}, "data": {"technology": "vLLM", "replicas": 2, "vcpus": 16, "memory_gb": 128, "gpu": "H100", "gpu_count": 1}},
      {"id": "vectors", "type": "database", "label": "Vector store", "position": {"x": 500, "y": 150}, "data": {"technology": "pgvector", "replicas": 2, "vcpus": 8, "memory_gb": 32}},
      {"id": "cache", "type": "cache", "label": "Response cache", "position": {"x": 500, "y": -150}, "data": {"technology": "Redis", "replicas": 2, "vcpus": 2, "memory_gb": 8}},
      {"id": "jobs", "type": "queue", "label": "Batch jobs", "position": {"x": 250, "y": 150}, "data": {"technology": "SQS", "replicas": 3}},
      {"id": "batch", "type": "worker", "label": "Batch workers", "position": {"x": 250, "y": 300}, "data": {"replicas": 2, "vcpus": 12, "memory_gb": 85, "gpu": "A100", "gpu_count": 1}}
    ],
    "edges": [
      {"id": "lb->gateway", "source": "lb", "target": "gateway", "data": {}},
      {"id": "gateway->cache", "source": "gateway", "target": "cache", "data": {}},
      {"id": "gateway->inference", "source": "gateway", "target": "inference", "data": {}},
      {"id": "gateway->vectors", "source": "gateway", "target": "vectors", "data": {}},
      {"id": "gateway->jobs", "source": "gateway", "target": "jobs", "data": {"async": true}},
      {"id": "jobs->batch", "source": "jobs", "target": "batch", "data": {"async": true}},
      {"id": "batch->vectors", "source": "batch", "target": "vectors", "data": {}}
    ]}'::jsonb
)
on conflict (name) do nothing;
