// Lookups the queries make: units by kind and province, documents by number, tasks by code.
CREATE INDEX unit_kind IF NOT EXISTS FOR (n:Unit) ON (n.kind);
CREATE INDEX unit_province IF NOT EXISTS FOR (n:Unit) ON (n.province);
CREATE INDEX unit_host IF NOT EXISTS FOR (n:Unit) ON (n.host);
CREATE INDEX document_number IF NOT EXISTS FOR (n:Document) ON (n.number);
CREATE INDEX task_code IF NOT EXISTS FOR (n:Task) ON (n.code);
CREATE INDEX rule_relation IF NOT EXISTS FOR (n:Rule) ON (n.relation);
// Relationship ids, so the seed loader and editors can find one relation.
CREATE INDEX subordinate_to_id IF NOT EXISTS FOR ()-[r:SUBORDINATE_TO]-() ON (r.id);
CREATE INDEX part_of_id IF NOT EXISTS FOR ()-[r:PART_OF]-() ON (r.id);
CREATE INDEX leads_id IF NOT EXISTS FOR ()-[r:LEADS]-() ON (r.id);
CREATE INDEX reports_to_id IF NOT EXISTS FOR ()-[r:REPORTS_TO]-() ON (r.id);
CREATE INDEX coordinates_with_id IF NOT EXISTS FOR ()-[r:COORDINATES_WITH]-() ON (r.id);
CREATE INDEX advises_id IF NOT EXISTS FOR ()-[r:ADVISES]-() ON (r.id);
CREATE INDEX inspects_id IF NOT EXISTS FOR ()-[r:INSPECTS]-() ON (r.id);
CREATE INDEX guides_id IF NOT EXISTS FOR ()-[r:GUIDES]-() ON (r.id);
CREATE INDEX notifies_id IF NOT EXISTS FOR ()-[r:NOTIFIES]-() ON (r.id);
